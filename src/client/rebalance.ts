import type { Logger } from '../common/log.js';
import type { AllocateStrategy } from './allocate.js';
import { getConsumerIdList } from './client-api.js';
import type { ClientInstance } from './client-instance.js';
import { type MessageQueue, queueKey } from './message-queue.js';
import type { OffsetStore } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import type { SubscriptionData } from './subscription.js';
import { MASTER_ID, subscribeQueuesOf } from './topic-route.js';

/**
 * Client-side rebalancing (reference §5.7): for each subscribed topic, clustering consumers ask
 * a broker for the group's client ids, sort them and the readable queues, and take their share
 * with the allocation strategy; broadcasting consumers take every queue. Queues no longer owned
 * are dropped (their offset persisted first); new ones get a ProcessQueue and a pull task
 * starting at the offset `startOffset` computes. Runs every 20 s and on
 * NOTIFY_CONSUMER_IDS_CHANGED; runs never overlap (a request during a run schedules one more).
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
}

interface Owned {
  readonly queue: MessageQueue;
  readonly processQueue: ProcessQueue;
}

export class RebalanceService {
  private readonly owned = new Map<string, Owned>();
  private running: Promise<void> | null = null;
  private again = false;

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

  /** Drops one queue (offset moved, or shutdown); the next rebalance may take it again. */
  async drop(queue: MessageQueue): Promise<void> {
    const entry = this.owned.get(queueKey(queue));
    if (entry === undefined) return;
    entry.processQueue.dropped = true;
    this.owned.delete(queueKey(queue));
    await this.host.offsetStore.persistAll([queue]);
    if (this.host.clustering) this.host.offsetStore.removeOffset(queue);
  }

  /** Marks every queue dropped (shutdown); offsets are persisted by the caller. */
  dropAll(): void {
    for (const entry of this.owned.values()) entry.processQueue.dropped = true;
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
      await this.drop(entry.queue);
    }
    for (const queue of allocated) {
      const key = queueKey(queue);
      if (this.owned.has(key)) continue;
      if (this.host.clustering) this.host.offsetStore.removeOffset(queue);
      const nextOffset = await this.host.startOffset(queue);
      if (nextOffset < 0 || this.owned.has(key)) continue;
      const processQueue = new ProcessQueue();
      this.owned.set(key, { queue, processQueue });
      this.host.logger.info({ queue, nextOffset }, 'queue now owned; pulling');
      this.host.startPulling(queue, processQueue, nextOffset);
    }
  }
}
