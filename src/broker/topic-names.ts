import { SystemName } from '../protocol/message-const.js';
import { TIMER_TOPIC } from './timer/timer-rules.js';

/**
 * Control-plane topic names (reference §2.6, §5.10): the system topics an admin may not create
 * or update, and a group's retry topic. The name pattern and DLQ names are the data plane's
 * (`data-plane/topic-rules.ts`).
 */

/** TopicValidator's system set; the cluster and broker names are added at start. */
export const FIXED_SYSTEM_TOPICS: readonly string[] = [
  SystemName.AUTO_CREATE_TOPIC_KEY_TOPIC, SystemName.SCHEDULE_TOPIC, SystemName.BENCHMARK_TOPIC,
  SystemName.TRANS_HALF_TOPIC, SystemName.TRACE_TOPIC, SystemName.TRANS_OP_HALF_TOPIC,
  SystemName.TRANS_CHECK_MAX_TIME_TOPIC, SystemName.SELF_TEST_TOPIC, SystemName.OFFSET_MOVED_EVENT, TIMER_TOPIC,
];

export function retryTopicOf(group: string): string {
  return `${SystemName.RETRY_GROUP_TOPIC_PREFIX}${group}`;
}

export function replyTopicOf(cluster: string): string {
  return `${cluster}_${SystemName.REPLY_TOPIC_POSTFIX}`;
}
