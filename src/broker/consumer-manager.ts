import type { Clock } from '../common/clock.js';
import type { LanguageName } from '../protocol/command.js';
import type { Channel } from '../remoting/channel.js';
import type { SubscriptionData } from '../protocol/bodies/client.js';

/** One client connection as the registry keeps it (RocketMQ's ClientChannelInfo). */
export interface ClientChannelInfo {
  channel: Channel;
  clientId: string;
  language: LanguageName;
  version: number;
  lastUpdateMs: number;
}

export interface ConsumerGroupInfo {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  /** channel id → client */
  channels: Map<number, ClientChannelInfo>;
  /** topic → subscription */
  subscriptions: Map<string, SubscriptionData>;
  lastUpdateMs: number;
}

export interface ConsumerRegistration {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptions: readonly SubscriptionData[];
}

/** Why the consumer set of a group changed; the broker then notifies the group's members. */
export type ConsumerGroupEvent =
  | { kind: 'members-changed'; group: string; channels: Channel[] }
  | { kind: 'group-removed'; group: string };

/**
 * Consumers by group (RocketMQ's ConsumerManager): their channels and client ids, their
 * subscriptions, consume type, message model and consume-from-where. A channel that closes is
 * removed from every group; a group without channels is dropped. Every change to a group's
 * member set is reported through `onEvent`, which the control plane turns into
 * NOTIFY_CONSUMER_IDS_CHANGED (oneway, never awaited). Main thread only.
 */
export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();
  private readonly watched = new WeakSet<Channel>();

  constructor(
    private readonly clock: Clock,
    private readonly onEvent: (event: ConsumerGroupEvent) => void,
  ) {}

  /** Registers or refreshes a consumer from a heartbeat; true when the group's members changed. */
  register(registration: ConsumerRegistration, client: Omit<ClientChannelInfo, 'lastUpdateMs'>): boolean {
    const nowMs = this.clock.nowMs();
    let info = this.groups.get(registration.groupName);
    if (info === undefined) {
      info = {
        groupName: registration.groupName, consumeType: registration.consumeType,
        messageModel: registration.messageModel, consumeFromWhere: registration.consumeFromWhere,
        channels: new Map(), subscriptions: new Map(), lastUpdateMs: nowMs,
      };
      this.groups.set(registration.groupName, info);
    }
    info.consumeType = registration.consumeType;
    info.messageModel = registration.messageModel;
    info.consumeFromWhere = registration.consumeFromWhere;
    info.lastUpdateMs = nowMs;
    const previous = info.channels.get(client.channel.id);
    const membersChanged = previous === undefined || previous.clientId !== client.clientId;
    info.channels.set(client.channel.id, { ...client, lastUpdateMs: nowMs });
    updateSubscriptions(info, registration.subscriptions);
    this.watch(client.channel);
    if (membersChanged) this.reportMembers(info);
    return membersChanged;
  }

  /** UNREGISTER_CLIENT: removes that client's channel(s) from the group. */
  unregister(group: string, clientId: string, channel: Channel): void {
    const info = this.groups.get(group);
    if (info === undefined) return;
    let removed = info.channels.delete(channel.id);
    for (const [channelId, client] of info.channels) {
      if (client.clientId === clientId) removed = info.channels.delete(channelId) || removed;
    }
    if (removed) this.afterRemoval(info);
  }

  /** A closed (or idle) channel leaves every group it was in. */
  removeChannel(channel: Channel): void {
    for (const info of [...this.groups.values()]) {
      if (info.channels.delete(channel.id)) this.afterRemoval(info);
    }
  }

  /** Drops channels silent for longer than `idleMs`; returns the channels dropped. */
  scanIdle(idleMs: number): Channel[] {
    const nowMs = this.clock.nowMs();
    const dropped: Channel[] = [];
    for (const info of this.groups.values()) {
      for (const client of info.channels.values()) {
        if (nowMs - client.lastUpdateMs > idleMs) dropped.push(client.channel);
      }
    }
    for (const channel of dropped) this.removeChannel(channel);
    return dropped;
  }

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** Client ids of the group, in registration order (clients sort them themselves). */
  clientIds(group: string): string[] {
    const info = this.groups.get(group);
    return info === undefined ? [] : [...new Set([...info.channels.values()].map((client) => client.clientId))];
  }

  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  /** Groups online that subscribe to `topic`. */
  groupsSubscribing(topic: string): string[] {
    return [...this.groups.values()].filter((info) => info.subscriptions.has(topic)).map((info) => info.groupName);
  }

  private afterRemoval(info: ConsumerGroupInfo): void {
    if (info.channels.size === 0) {
      this.groups.delete(info.groupName);
      this.onEvent({ kind: 'group-removed', group: info.groupName });
      return;
    }
    this.reportMembers(info);
  }

  private reportMembers(info: ConsumerGroupInfo): void {
    const channels = [...info.channels.values()].map((client) => client.channel);
    this.onEvent({ kind: 'members-changed', group: info.groupName, channels });
  }

  private watch(channel: Channel): void {
    if (this.watched.has(channel)) return;
    this.watched.add(channel);
    channel.onClose((closed) => this.removeChannel(closed));
  }
}

/** Java's updateSubscription: replace subscriptions whose version moved, drop unsubscribed topics. */
function updateSubscriptions(info: ConsumerGroupInfo, subscriptions: readonly SubscriptionData[]): void {
  const topics = new Set<string>();
  for (const subscription of subscriptions) {
    topics.add(subscription.topic);
    const current = info.subscriptions.get(subscription.topic);
    if (current === undefined || subscription.subVersion > current.subVersion) {
      info.subscriptions.set(subscription.topic, subscription);
    }
  }
  for (const topic of [...info.subscriptions.keys()]) {
    if (!topics.has(topic)) info.subscriptions.delete(topic);
  }
}
