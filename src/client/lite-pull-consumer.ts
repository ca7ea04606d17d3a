import type { TopicRouteData } from '../protocol/bodies/route.js';
import { allocateAveragely, type AllocateStrategy } from './allocate.js';
import type { HeartbeatData } from './client-api.js';
import type { ClientOptions } from './client-config.js';
import { ClientInstance, type ClientMember } from './client-instance.js';
import { computeStartOffset, ConsumeFromWhere, MessageModel, makeOffsetStore } from './consumer-common.js';
import { clientState } from './errors.js';
import type { MessageExt } from './message.js';
import { type MessageQueue, queueKey } from './message-queue.js';
import { type OffsetStore, ReadOffsetType } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import { PullGate, type PullHost, type PullSettings, PullTask } from './pull-task.js';
import { RebalanceService, type RebalanceHost } from './rebalance.js';
import { buildSubscription, ExpressionType, type SubscriptionData } from './subscription.js';
import { MessageSelector } from './message-selector.js';
import { subscribeQueuesOf } from './topic-route.js';
import { checkGroup, checkTopic } from './validators.js';

/**
 * A pull consumer in the style of Java's DefaultLitePullConsumer: `subscribe` (queues assigned
 * by rebalancing) or `assign` (queues chosen by the caller), then `poll` for messages pulled in
 * the background. Each poll advances the consume position of the queues it returned;
 * `commitSync` writes those positions to the offset store (broker or local file), and with
 * `autoCommit` (default) that happens every `autoCommitIntervalMs`. `seek` moves a queue's
 * position; `committed` reads the stored offset. `pause(queues)` / `resume(queues)` stop and
 * restart the background pulling of those queues (messages already pulled stay pollable).
 */
export interface LitePullConsumerOptions extends ClientOptions {
  groupName?: string;
  consumerGroup?: string;
  messageModel?: MessageModel;
  consumeFromWhere?: ConsumeFromWhere;
  consumeTimestamp?: string;
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  pullBatchSize?: number;
  /** Messages cached per queue before its pulling pauses. Default 1000. */
  pullThresholdForQueue?: number;
  pollTimeoutMillis?: number;
  allocateMessageQueueStrategy?: AllocateStrategy;
  rebalanceIntervalMs?: number;
  offsetStoreDir?: string;
}

interface PolledBatch {
  readonly messages: MessageExt[];
  readonly processQueue: ProcessQueue;
  readonly queue: MessageQueue;
}

export class LitePullConsumer implements ClientMember, RebalanceHost, PullHost {
  readonly group: string;
  readonly instance: ClientInstance;
  readonly clustering: boolean;
  readonly strategy: AllocateStrategy;
  readonly offsetStore: OffsetStore;
  readonly settings: PullSettings;
  private readonly options: LitePullConsumerOptions;
  private readonly subscriptionTable = new Map<string, SubscriptionData>();
  private readonly rebalancer: RebalanceService;
  private readonly tasks = new Map<string, { task: PullTask; processQueue: ProcessQueue; queue: MessageQueue }>();
  private readonly consumedOffsets = new Map<string, { queue: MessageQueue; queueOffset: number }>();
  private readonly ready: PolledBatch[] = [];
  private waiter: (() => void) | null = null;
  private assigned: MessageQueue[] | null = null;
  private state: 'created' | 'running' | 'shutdown' = 'created';
  /** Keys of paused queues (kept across rebalancing, unlike Java's per-assignment flag). */
  private readonly pausedQueues = new Set<string>();
  readonly pullGate = new PullGate();

  constructor(options: LitePullConsumerOptions) {
    this.group = options.groupName ?? options.consumerGroup ?? '';
    checkGroup(this.group);
    this.options = options;
    this.instance = new ClientInstance(options);
    this.clustering = (options.messageModel ?? MessageModel.CLUSTERING) === MessageModel.CLUSTERING;
    this.strategy = options.allocateMessageQueueStrategy ?? allocateAveragely;
    this.offsetStore = makeOffsetStore(this.clustering, this.instance, this.group, options.offsetStoreDir);
    this.settings = {
      pullBatchSize: options.pullBatchSize ?? 10, pullIntervalMs: 0,
      pullThresholdForQueue: options.pullThresholdForQueue ?? 1000, pullThresholdSizeForQueueBytes: 100 * 1024 * 1024,
      consumeConcurrentlyMaxSpan: Number.MAX_SAFE_INTEGER, pullTimeDelayMsWhenException: 1000, flowControlDelayMs: 50,
      brokerSuspendMaxTimeMs: 20_000, consumerTimeoutMsWhenSuspend: 30_000,
    };
    this.rebalancer = new RebalanceService(this);
  }

  get logger(): ClientInstance['logger'] {
    return this.instance.logger;
  }

  /** Subscribes with a tag expression, a MessageSelector (tag or SQL92), or an expression and its type. */
  subscribe(topic: string, selector: MessageSelector): void;
  subscribe(topic: string, expression?: string, expressionType?: ExpressionType): void;
  subscribe(topic: string, selector: MessageSelector | string = '*', expressionType: ExpressionType = ExpressionType.TAG): void {
    if (this.assigned !== null) throw clientState('Subscribe and assign are mutually exclusive.');
    checkTopic(topic);
    const subscription = selector instanceof MessageSelector
      ? buildSubscription(topic, selector.expression, selector.expressionType)
      : buildSubscription(topic, selector, expressionType);
    this.subscriptionTable.set(topic, subscription);
    if (this.state === 'running') void this.rebalancer.rebalance();
  }

  /** Consumes exactly these queues (no rebalancing). */
  assign(queues: readonly MessageQueue[]): void {
    if (this.subscriptionTable.size > 0 && this.assigned === null) throw clientState('Subscribe and assign are mutually exclusive.');
    this.assigned = [...queues];
    for (const queue of queues) {
      if (!this.subscriptionTable.has(queue.topic)) this.subscriptionTable.set(queue.topic, buildSubscription(queue.topic, '*'));
    }
    if (this.state === 'running') void this.applyAssignment();
  }

  /** The readable queues of a topic (for `assign`). */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const route = this.instance.route(topic) ?? await this.instance.updateRoute(topic);
    return route === null ? [] : subscribeQueuesOf(topic, route);
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw clientState(`The LitePullConsumer service state not OK, ${this.state}`);
    await this.offsetStore.load();
    await this.instance.start(this);
    this.state = 'running';
    await this.instance.refreshAllRoutes();
    await this.instance.heartbeatAll();
    if (this.assigned !== null) await this.applyAssignment();
    else {
      await this.rebalancer.rebalance();
      this.instance.every(this.options.rebalanceIntervalMs ?? 20_000, () => this.rebalancer.rebalance());
    }
    if (this.options.autoCommit ?? true) this.instance.every(this.options.autoCommitIntervalMs ?? 5000, () => this.commitSync());
  }

  /** Messages pulled so far (one queue's batch), waiting up to `timeoutMs` for some. */
  async poll(timeoutMs: number = this.options.pollTimeoutMillis ?? 5000): Promise<MessageExt[]> {
    if (this.state !== 'running') throw clientState('The consumer is not running');
    const deadlineMs = Date.now() + timeoutMs;
    for (;;) {
      const batch = this.ready.shift();
      if (batch !== undefined) {
        if (batch.processQueue.dropped) continue;
        const queueOffset = batch.processQueue.removeMessages(batch.messages);
        if (queueOffset >= 0) this.consumedOffsets.set(queueKey(batch.queue), { queue: batch.queue, queueOffset });
        return batch.messages;
      }
      const remainingMs = deadlineMs - Date.now();
      if (remainingMs <= 0 || this.state !== 'running') return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = null;
          resolve();
        }, remainingMs);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        };
      });
    }
  }

  /** Writes the consume positions of every polled queue to the offset store. */
  async commitSync(): Promise<void> {
    const queues: MessageQueue[] = [];
    for (const { queue, queueOffset } of this.consumedOffsets.values()) {
      this.offsetStore.updateOffset(queue, queueOffset, false);
      queues.push(queue);
    }
    await this.offsetStore.persistAll(queues);
  }

  /** Moves a queue's position; cached and unpolled messages of it are discarded. */
  seek(queue: MessageQueue, queueOffset: number): void {
    const entry = this.tasks.get(queueKey(queue));
    if (entry === undefined) throw clientState(`The message queue is not in assigned list, ${queueKey(queue)}`);
    for (let i = this.ready.length - 1; i >= 0; i--) {
      if (queueKey(this.ready[i]!.queue) === queueKey(queue)) this.ready.splice(i, 1);
    }
    entry.task.seek(queueOffset);
    this.consumedOffsets.set(queueKey(queue), { queue, queueOffset });
  }

  /**
   * Stops pulling these queues (DefaultLitePullConsumer.pause): no new pull is sent for them; a
   * pull under way completes and its messages can still be polled.
   */
  pause(queues: readonly MessageQueue[]): void {
    for (const queue of queues) this.pausedQueues.add(queueKey(queue));
  }

  /** Pulls these queues again (DefaultLitePullConsumer.resume), at once. */
  resume(queues: readonly MessageQueue[]): void {
    for (const queue of queues) this.pausedQueues.delete(queueKey(queue));
    this.pullGate.open();
  }

  /** True while `queue` is paused. */
  isPaused(queue: MessageQueue): boolean {
    return this.pausedQueues.has(queueKey(queue));
  }

  /** The committed offset of a queue (-1 when none). */
  committed(queue: MessageQueue): Promise<number> {
    return this.offsetStore.readOffset(queue, ReadOffsetType.STORE);
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    await this.commitSync();
    this.state = 'shutdown';
    this.pullGate.open();
    this.waiter?.();
    this.rebalancer.dropAll();
    for (const entry of this.tasks.values()) entry.processQueue.dropped = true;
    await this.instance.shutdown();
  }

  private async applyAssignment(): Promise<void> {
    const wanted = new Set((this.assigned ?? []).map(queueKey));
    for (const [key, entry] of [...this.tasks]) {
      if (wanted.has(key)) continue;
      entry.processQueue.dropped = true;
      this.tasks.delete(key);
    }
    for (const queue of this.assigned ?? []) {
      if (this.tasks.has(queueKey(queue))) continue;
      const nextOffset = await this.startOffset(queue);
      if (nextOffset >= 0) this.startPulling(queue, new ProcessQueue(), nextOffset);
    }
  }

  // RebalanceHost

  subscriptions(): ReadonlyMap<string, SubscriptionData> {
    return this.subscriptionTable;
  }

  startOffset(queue: MessageQueue): Promise<number> {
    return computeStartOffset(this.instance, this.offsetStore, queue,
      this.options.consumeFromWhere ?? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, this.options.consumeTimestamp);
  }

  startPulling(queue: MessageQueue, processQueue: ProcessQueue, nextOffset: number): void {
    const task = new PullTask(this, queue, processQueue, nextOffset);
    this.tasks.set(queueKey(queue), { task, processQueue, queue });
    void task.run();
  }

  // PullHost

  subscription(topic: string): SubscriptionData | undefined {
    return this.subscriptionTable.get(topic);
  }

  deliver(messages: MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): void {
    this.ready.push({ messages, processQueue, queue });
    this.waiter?.();
  }

  offsetMoved(queue: MessageQueue): void {
    this.tasks.delete(queueKey(queue));
    if (this.assigned !== null) void this.applyAssignment();
    else void this.rebalancer.drop(queue).then(() => this.rebalancer.rebalance());
  }

  isRunning(): boolean {
    return this.state === 'running';
  }

  pullSuspended(queue: MessageQueue): boolean {
    return this.pausedQueues.size > 0 && this.pausedQueues.has(queueKey(queue));
  }

  // ClientMember

  topics(): Iterable<string> {
    return [...this.subscriptionTable.keys()];
  }

  routeChanged(_topic: string, _route: TopicRouteData): void {
    if (this.state === 'running' && this.assigned === null) void this.rebalancer.rebalance();
  }

  fillHeartbeat(heartbeat: HeartbeatData): void {
    heartbeat.consumerDataSet.push({
      groupName: this.group, consumeType: 'CONSUME_ACTIVELY', messageModel: this.clustering ? 'CLUSTERING' : 'BROADCASTING',
      consumeFromWhere: this.options.consumeFromWhere ?? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, unitMode: false,
      subscriptionDataSet: [...this.subscriptionTable.values()].map((s) => ({ ...s })),
    });
  }

  consumerIdsChanged(group: string): void {
    if (group === this.group && this.state === 'running' && this.assigned === null) void this.rebalancer.rebalance();
  }

  groups(): { consumerGroup: string } {
    return { consumerGroup: this.group };
  }
}
