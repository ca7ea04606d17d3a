import type { TopicConfig } from '../protocol/bodies/route.js';
import type { SubscriptionData } from '../protocol/bodies/client.js';

/**
 * Typed messages the data plane (I/O threads) sends to the control plane (main thread), and
 * their answers (README "Contract", point 4). Plain data, structured-cloneable.
 */
export type DataPlaneMessage =
  | {
    kind: 'create-topic-from-default';
    topic: string;
    defaultTopic: string;
    queueNums: number;
    topicSysFlag: number;
  }
  | { kind: 'create-system-topic'; topic: string; queueNums: number; perm: number }
  | { kind: 'commit-offset'; group: string; topic: string; queueId: number; queueOffset: number }
  | { kind: 'find-subscription'; group: string; topic: string };

export type DataPlaneReply =
  | { kind: 'topic'; topic: TopicConfig | null }
  | { kind: 'done' }
  | { kind: 'subscription'; subscription: SubscriptionData | null };
