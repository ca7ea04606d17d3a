import type { Clock } from '../common/clock.js';
import type { MessageQueue } from '../protocol/bodies/client.js';

/** RocketMQ's `rocketmq.broker.rebalance.lockMaxLiveTime` default (reference §5.5). */
export const REBALANCE_LOCK_MAX_LIVE_TIME_MS_DEFAULT = 60_000;

interface LockEntry {
  clientId: string;
  lastUpdateMs: number;
}

/**
 * The broker's queue-lock table for orderly consumers (RocketMQ's RebalanceLockManager,
 * reference §5.5): per consumer group, queue → {clientId, lastUpdateMs}. A lock lives
 * `maxLiveTimeMs` since its last refresh. `tryLockBatch` grants a queue that is free, expired,
 * or already held by the asking client (which refreshes it) and answers every queue the client
 * now holds among those asked; `unlockBatch` removes only the asking client's locks. Main
 * thread only; time comes from the injected clock.
 */
export class RebalanceLockManager {
  private readonly groups = new Map<string, Map<string, LockEntry>>();

  constructor(private readonly clock: Clock, private readonly maxLiveTimeMs: () => number) {}

  tryLockBatch(group: string, queues: readonly MessageQueue[], clientId: string): MessageQueue[] {
    const nowMs = this.clock.nowMs();
    const table = this.tableOf(group);
    const locked: MessageQueue[] = [];
    for (const queue of uniqueQueues(queues)) {
      const key = queueKey(queue);
      const entry = table.get(key);
      if (entry === undefined || entry.clientId === clientId || this.isExpired(entry, nowMs)) {
        table.set(key, { clientId, lastUpdateMs: nowMs });
        locked.push(queue);
      }
    }
    return locked;
  }

  unlockBatch(group: string, queues: readonly MessageQueue[], clientId: string): void {
    const table = this.groups.get(group);
    if (table === undefined) return;
    for (const queue of queues) {
      const key = queueKey(queue);
      if (table.get(key)?.clientId === clientId) table.delete(key);
    }
    if (table.size === 0) this.groups.delete(group);
  }

  /** True when `clientId` holds an unexpired lock on `queue` (RocketMQ's isLocked). */
  isLocked(group: string, queue: MessageQueue, clientId: string): boolean {
    const entry = this.groups.get(group)?.get(queueKey(queue));
    return entry !== undefined && entry.clientId === clientId && !this.isExpired(entry, this.clock.nowMs());
  }

  /** The holder of an unexpired lock on `queue`, or undefined. */
  holderOf(group: string, queue: MessageQueue): string | undefined {
    const entry = this.groups.get(group)?.get(queueKey(queue));
    return entry === undefined || this.isExpired(entry, this.clock.nowMs()) ? undefined : entry.clientId;
  }

  private isExpired(entry: LockEntry, nowMs: number): boolean {
    return nowMs - entry.lastUpdateMs > this.maxLiveTimeMs();
  }

  private tableOf(group: string): Map<string, LockEntry> {
    let table = this.groups.get(group);
    if (table === undefined) {
      table = new Map();
      this.groups.set(group, table);
    }
    return table;
  }
}

/** Map key of a queue: `topic@brokerName@queueId` (MessageQueue's equals uses all three). */
function queueKey(queue: MessageQueue): string {
  return `${queue.topic}@${queue.brokerName}@${queue.queueId}`;
}

/** The request is a Java Set; a repeated queue is answered once. */
function uniqueQueues(queues: readonly MessageQueue[]): MessageQueue[] {
  const seen = new Set<string>();
  return queues.filter((queue) => {
    const key = queueKey(queue);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
