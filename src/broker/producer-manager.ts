import type { Clock } from '../common/clock.js';
import type { Channel } from '../remoting/channel.js';
import type { ClientChannelInfo } from './consumer-manager.js';

/**
 * Producers by group (RocketMQ's ProducerManager): which channels belong to which producer
 * group, for GET_PRODUCER_CONNECTION_LIST, GET_ALL_PRODUCER_INFO and the transaction checker
 * (which needs one live channel of a group). Closed or idle channels are removed. Main thread only.
 */
export class ProducerManager {
  private readonly groups = new Map<string, Map<number, ClientChannelInfo>>();
  private readonly watched = new WeakSet<Channel>();
  private rotation = 0;

  constructor(private readonly clock: Clock) {}

  register(group: string, client: Omit<ClientChannelInfo, 'lastUpdateMs'>): void {
    let channels = this.groups.get(group);
    if (channels === undefined) {
      channels = new Map();
      this.groups.set(group, channels);
    }
    channels.set(client.channel.id, { ...client, lastUpdateMs: this.clock.nowMs() });
    if (!this.watched.has(client.channel)) {
      this.watched.add(client.channel);
      client.channel.onClose((closed) => this.removeChannel(closed));
    }
  }

  unregister(group: string, clientId: string, channel: Channel): void {
    const channels = this.groups.get(group);
    if (channels === undefined) return;
    channels.delete(channel.id);
    for (const [channelId, client] of channels) {
      if (client.clientId === clientId) channels.delete(channelId);
    }
    if (channels.size === 0) this.groups.delete(group);
  }

  removeChannel(channel: Channel): void {
    for (const [group, channels] of this.groups) {
      if (channels.delete(channel.id) && channels.size === 0) this.groups.delete(group);
    }
  }

  scanIdle(idleMs: number): Channel[] {
    const nowMs = this.clock.nowMs();
    const dropped: Channel[] = [];
    for (const channels of this.groups.values()) {
      for (const client of channels.values()) {
        if (nowMs - client.lastUpdateMs > idleMs) dropped.push(client.channel);
      }
    }
    for (const channel of dropped) this.removeChannel(channel);
    return dropped;
  }

  clients(group: string): ClientChannelInfo[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** One open channel of the group (for CHECK_TRANSACTION_STATE), or undefined. */
  anyChannel(group: string): Channel | undefined {
    for (const client of this.groups.get(group)?.values() ?? []) {
      if (!client.channel.closed) return client.channel;
    }
    return undefined;
  }

  /**
   * The group's open channels in turn (RocketMQ's getAvailableChannel): successive calls rotate,
   * so one producer that stopped answering without closing does not get every check.
   */
  nextChannel(group: string): Channel | undefined {
    const open = this.clients(group).filter((client) => !client.channel.closed);
    if (open.length === 0) return undefined;
    this.rotation = (this.rotation + 1) % Number.MAX_SAFE_INTEGER;
    return open[this.rotation % open.length]?.channel;
  }
}
