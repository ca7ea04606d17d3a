import type { Logger } from '../common/log.js';
import type { AllocateStrategy } from './allocate.js';
import { getConsumerIdList } from './client-api.js';
import type { ClientInstance } from './client-instance.js';
import { type MessageQueue, queueKey } from './message-queue.js';
import type { OffsetStore } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import type { QueueLocker } from './queue-locks.js';
import type { SubscriptionData } from './subscription.js';
import { MASTER_ID, subscribeQueuesOf } from './topic-route.js';

/**
 * Client-side rebalancing (reference §5.7): for each subscribed topic, clustering consumers ask
 * a broker for the group's client ids, sort them and the readable queues, and take their share
 * with the allocation strategy; broadcasting consumers take every queue. Queues no longer owned
 * are dropped (their offset persisted first); new ones get a ProcessQueue and a pull task
 * starting at the offset `startOffset` computes. Runs every 20 s and on
 * NOTIFY_CONSUMER_IDS_CHANGED; runs never overlap (a request during a run schedules one more).
 *
 * Orderly clustering consumers (a host with a `queueLocker`, reference §5.5) own a queue only
 * while holding its broker lock: a newly allocated queue is locked (LOCK_BATCH_MQ) before its
 * offset is read and pulling starts; a queue the broker refuses (another client still holds
 * it) is tried again after `lockRetryMs`. A queue given up is *released*: pulling stops, the
 * batch in the listener finishes and commits, the offset is written to the broker (answered),
 * and only then is it unlocked (UNLOCK_BATCH_MQ), so the next owner starts right after it.
 * Until a release completes the queue is not taken again. `renewLocks` (every 20 s) re-locks
 * every owned queue and marks the ones the broker no longer grants as unlocked.
 */
export interface RebalanceHost {
  readonly instance: ClientInstance;
  readonly group: string;
  readonly clustering: boolean;
  readonly strategy: AllocateStrategy;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  subscriptions(): ReadonlyMap<string, SubscriptionData>;
  /** The offset to start pulling a newly owned queue from; < 0 means "not now, retry next rebalance". */
  startOffset(queue: MessageQueue): Promise<number>;
  /** Starts the pull loop of a newly owned queue. */
  startPulling(queue: MessageQueue, processQueue: ProcessQueue, nextOffset: number): void;
  /** Orderly clustering consumers lock queues at the broker before owning them. */
  readonly queueLocker?: QueueLocker | undefined;
  /** Delay before refused locks are asked for again. Default 1000 ms. */
  readonly lockRetryMs?: number;
}

interface Owned {
  readonly queue: MessageQueue;
  readonly processQueue: ProcessQueue;
}

export class RebalanceService {
  private readonly owned = new Map<string, Owned>();
  /** Orderly: queues being released (batch in flight, offset commit, unlock), by key. */
  private readonly releasing = new Map<string, { queue: MessageQueue; done: Promise<void> }>();
  private running: Promise<void> | null = null;
  private again = false;
  private lockRetryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly host: RebalanceHost) {}

  /** Queues currently owned. */
  ownedQueues(): MessageQueue[] {
    return [...this.owned.values()].map((entry) => entry.queue);
  }

  processQueueOf(queue: MessageQueue): ProcessQueue | undefined {
    return this.owned.get(queueKey(queue))?.processQueue;
  }

  /** Runs a rebalance (or schedules another if one is running); resolves when done. */
  rebalance(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    this.running = this.runAll().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.rebalance();
      }
    });
    return this.running;
  }

  /** Drops one queue (offset moved, or reset); the next rebalance may take it again. */
  async drop(queue: MessageQueue): Promise<void> {
    const entry = this.owned.get(queueKey(queue));
    if (entry === undefined) return;
    if (this.host.queueLocker !== undefined) {
      await this.release(entry, false);
      return;
    }
    entry.processQueue.dropped = true;
    this.owned.delete(queueKey(queue));
    await this.host.offsetStore.persistAll([queue]);
    if (this.host.clustering) this.host.offsetStore.removeOffset(queue);
  }

  /** Marks every queue dropped (shutdown); offsets are persisted by the caller. */
  dropAll(): void {
    this.stopped = true;
    if (this.lockRetryTimer !== null) clearTimeout(this.lockRetryTimer);
    for (const entry of this.owned.values()) entry.processQueue.dropped = true;
  }

  /** Orderly shutdown, after offsets were persisted: releases every lock this consumer holds. */
  async unlockAll(): Promise<void> {
    await Promise.all([...this.releasing.values()].map((entry) => entry.done));
    if (this.host.queueLocker === undefined) return;
    await this.host.queueLocker.unlock(this.ownedQueues());
  }

  /** Orderly: re-locks every owned (and releasing) queue; queues not granted stop being consumed. */
  async renewLocks(): Promise<void> {
    const locker = this.host.queueLocker;
    if (locker === undefined || this.stopped) return;
    const entries = [...this.owned.values()];
    const held = await locker.lock([...entries.map((entry) => entry.queue), ...[...this.releasing.values()].map((entry) => entry.queue)]);
    const nowMs = Date.now();
    for (const entry of entries) {
      const granted = held.has(queueKey(entry.queue));
      if (granted) entry.processQueue.lastLockTimestampMs = nowMs;
      else if (entry.processQueue.locked) this.host.logger.warn({ queue: entry.queue }, 'orderly: queue lock lost');
      entry.processQueue.locked = granted;
    }
  }

  /** Orderly: locks one owned queue now (the consume loop found its lock missing or expired). */
  async relock(queue: MessageQueue, processQueue: ProcessQueue): Promise<boolean> {
    const locker = this.host.queueLocker;
    if (locker === undefined || processQueue.dropped) return false;
    const granted = (await locker.lock([queue])).has(queueKey(queue));
    processQueue.locked = granted;
    if (granted) processQueue.lastLockTimestampMs = Date.now();
    return granted;
  }

  /**
   * Orderly: stop pulling, let the batch in the listener finish (committing it when
   * `commitInFlight`), write the offset to the broker, then unlock. The queue is not taken
   * again before this completes.
   */
  private release(entry: Owned, commitInFlight: boolean): Promise<void> {
    const key = queueKey(entry.queue);
    const { queue, processQueue } = entry;
    processQueue.dropped = true;
    processQueue.releasing = commitInFlight;
    this.owned.delete(key);
    const done = (async () => {
      await processQueue.inFlight;
      await this.host.offsetStore.persistAll([queue]);
      this.host.offsetStore.removeOffset(queue);
      await this.host.queueLocker?.unlock([queue]);
    })().catch((error: unknown) => {
      this.host.logger.warn({ err: error, queue }, 'orderly: releasing the queue failed');
    }).finally(() => {
      this.releasing.delete(key);
      this.host.logger.info({ queue }, 'orderly: queue released');
    });
    this.releasing.set(key, { queue, done });
    return done;
  }

  private scheduleLockRetry(): void {
    if (this.lockRetryTimer !== null || this.stopped) return;
    this.lockRetryTimer = setTimeout(() => {
      this.lockRetryTimer = null;
      void this.rebalance();
    }, this.host.lockRetryMs ?? 1000);
    this.lockRetryTimer.unref();
  }

  private async runAll(): Promise<void> {
    for (const [topic, subscription] of this.host.subscriptions()) {
      try {
        await this.rebalanceTopic(topic, subscription);
      } catch (error) {
        this.host.logger.warn({ err: error, topic }, 'rebalance failed');
      }
    }
  }

  private async rebalanceTopic(topic: string, _subscription: SubscriptionData): Promise<void> {
    const instance = this.host.instance;
    const route = instance.route(topic) ?? await instance.updateRoute(topic);
    if (route === null) {
      this.host.logger.warn({ topic, group: this.host.group }, 'doRebalance, but the topic has no route');
      return;
    }
    const queuesAll = subscribeQueuesOf(topic, route);
    let allocated: MessageQueue[];
    if (this.host.clustering) {
      const broker = route.brokerDatas.find((b) => b.brokerAddrs.has(MASTER_ID)) ?? route.brokerDatas[0];
      const address = broker === undefined ? undefined : instance.subscribeAddress(broker.brokerName, MASTER_ID);
      if (address === undefined) return;
      const ids = await getConsumerIdList(instance.brokerRemoting, address, this.host.group, instance.config.requestTimeoutMs);
      if (ids.length === 0) {
        this.host.logger.warn({ topic, group: this.host.group }, 'doRebalance, get consumer id list failed');
        return;
      }
      ids.sort();
      allocated = this.host.strategy(this.host.group, instance.clientId, queuesAll, ids);
    } else {
      allocated = queuesAll;
    }
    await this.updateOwned(topic, allocated);
  }

  private async updateOwned(topic: string, allocated: readonly MessageQueue[]): Promise<void> {
    const wanted = new Set(allocated.map(queueKey));
    for (const [key, entry] of [...this.owned]) {
      if (entry.queue.topic !== topic || wanted.has(key)) continue;
      this.host.logger.info({ queue: entry.queue }, 'queue no longer owned; dropping');
      if (this.host.queueLocker !== undefined) void this.release(entry, true);
      else await this.drop(entry.queue);
    }
    let fresh = allocated.filter((queue) => !this.owned.has(queueKey(queue)));
    const lockedKeys = await this.lockFresh(fresh);
    if (lockedKeys !== null) fresh = fresh.filter((queue) => lockedKeys.has(queueKey(queue)));
    for (const queue of fresh) {
      const key = queueKey(queue);
      if (this.owned.has(key) || this.stopped) continue;
      if (this.host.clustering) this.host.offsetStore.removeOffset(queue);
      const nextOffset = await this.host.startOffset(queue);
      if (nextOffset < 0 || this.owned.has(key) || this.stopped) continue;
      const processQueue = new ProcessQueue();
      if (lockedKeys !== null) {
        processQueue.locked = true;
        processQueue.lastLockTimestampMs = Date.now();
      }
      this.owned.set(key, { queue, processQueue });
      this.host.logger.info({ queue, nextOffset }, 'queue now owned; pulling');
      this.host.startPulling(queue, processQueue, nextOffset);
    }
  }

  /**
   * Orderly: locks the newly allocated queues that are not being released; null when this
   * consumer does not lock. Anything not granted now is tried again after `lockRetryMs`.
   */
  private async lockFresh(fresh: readonly MessageQueue[]): Promise<Set<string> | null> {
    const locker = this.host.queueLocker;
    if (locker === undefined) return null;
    const candidates = fresh.filter((queue) => !this.releasing.has(queueKey(queue)));
    const held = candidates.length === 0 ? new Set<string>() : await locker.lock(candidates);
    if (held.size < fresh.length) {
      this.host.logger.info({ wanted: fresh.length, locked: held.size }, 'orderly: some allocated queues are not locked yet');
      this.scheduleLockRetry();
    }
    return held;
  }
}
