import type { TopicRouteData } from '../protocol/bodies/route.js';
import { allocateAveragely, type AllocateStrategy } from './allocate.js';
import type { HeartbeatData } from './client-api.js';
import { checkClientConfig } from './client-api-msgtypes.js';
import type { ClientOptions } from './client-config.js';
import { ClientInstance, type ClientMember } from './client-instance.js';
import {
  MessageListenerOrderly, ORDERLY_MAX_RECONSUME_TIMES_DEFAULT, OrderlyConsumeService,
} from './consume-orderly.js';
import { ConsumeService, type MessageListenerConcurrently } from './consume-service.js';
import { computeStartOffset, ConsumeFromWhere, MessageModel, makeOffsetStore } from './consumer-common.js';
import { clientState } from './errors.js';
import type { MessageExt } from './message.js';
import type { MessageQueue } from './message-queue.js';
import { MessageSelector } from './message-selector.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import { PullGate, type PullHost, type PullSettings, PullTask } from './pull-task.js';
import { QueueLocker } from './queue-locks.js';
import { RebalanceService, type RebalanceHost } from './rebalance.js';
import { republishToRetry, sendMessageBack } from './send-back.js';
import { buildSubscription, ExpressionType, type SubscriptionData } from './subscription.js';
import { checkGroup, checkTopic } from './validators.js';

/**
 * The push consumer (Java's DefaultMQPushConsumer): subscribe to topics with tag expressions or
 * a MessageSelector (tag or SQL92; SQL92 subscriptions are checked with the broker at start,
 * CHECK_CLIENT_CONFIG), register a concurrent or an orderly listener
 * (`MessageListenerOrderly`, see `consume-orderly.ts` and `rebalance.ts` for the queue locks),
 * start. Queues are shared among the group's
 * consumers by rebalancing (clustering) or all read by everyone (broadcasting); each owned queue
 * has a long-polling pull loop feeding the consume service; progress is committed to the broker
 * (clustering, every 5 s and on pulls) or a local file (broadcasting). Failed messages go back to
 * the broker for retry (clustering). `suspend()` / `resume()` stop and restart pulling
 * (DefaultMQPushConsumer's): messages already pulled or in a pull under way are still delivered,
 * rebalancing and heartbeats go on. `shutdown` stops pulling, waits for running handlers,
 * commits offsets and unregisters.
 */
export interface PushConsumerOptions extends ClientOptions {
  /** Consumer group (Java: consumerGroup). */
  groupName?: string;
  consumerGroup?: string;
  messageModel?: MessageModel;
  consumeFromWhere?: ConsumeFromWhere;
  /** yyyyMMddHHmmss for CONSUME_FROM_TIMESTAMP; default 30 minutes before start. */
  consumeTimestamp?: string;
  consumeThreadMin?: number;
  /** Handler invocations in flight at most. Default 20. */
  consumeThreadMax?: number;
  pullBatchSize?: number;
  consumeMessageBatchMaxSize?: number;
  pullThresholdForQueue?: number;
  /** MiB of cached bodies per queue before pulling pauses. Default 100. */
  pullThresholdSizeForQueue?: number;
  consumeConcurrentlyMaxSpan?: number;
  pullInterval?: number;
  /** -1 means 16, as Java. */
  maxReconsumeTimes?: number;
  allocateMessageQueueStrategy?: AllocateStrategy;
  /** Default 20 000 ms (rocketmq.client.rebalance.waitInterval). */
  rebalanceIntervalMs?: number;
  persistConsumerOffsetInterval?: number;
  pullTimeDelayMillsWhenException?: number;
  /** How long shutdown waits for running handlers. Default 5000 ms. */
  awaitTerminationMillisWhenShutdown?: number;
  /** Base directory of broadcasting offset files. Default ~/.rocketmq_offsets. */
  offsetStoreDir?: string;
  /** Orderly: how long SUSPEND_CURRENT_QUEUE_A_MOMENT holds the queue. Default 1000 ms. */
  suspendCurrentQueueTimeMillis?: number;
  /** Orderly: queue locks are renewed this often (rocketmq.client.rebalance.lockInterval). Default 20 000 ms. */
  rebalanceLockIntervalMs?: number;
  /** Orderly: a local lock not renewed for this long is treated as lost (Java: 30 000 ms). */
  lockMaxLiveMs?: number;
  /** Orderly: refused or lost locks are asked for again after this long. Default 1000 ms. */
  lockRetryMs?: number;
  /** Orderly: one queue's loop yields after consuming this long. Default 60 000 ms. */
  maxTimeConsumeContinuouslyMs?: number;
}

type ConsumeDispatcher = ConsumeService | OrderlyConsumeService;

export class PushConsumer implements ClientMember, RebalanceHost, PullHost {
  readonly group: string;
  readonly instance: ClientInstance;
  readonly clustering: boolean;
  readonly strategy: AllocateStrategy;
  readonly offsetStore: OffsetStore;
  readonly settings: PullSettings;
  private readonly options: PushConsumerOptions;
  private readonly subscriptionTable = new Map<string, SubscriptionData>();
  private readonly rebalancer: RebalanceService;
  private listener: MessageListenerConcurrently | MessageListenerOrderly | null = null;
  private consumeService: ConsumeDispatcher | null = null;
  private locker: QueueLocker | undefined;
  private state: 'created' | 'running' | 'shutdown' = 'created';
  private suspendedFlag = false;
  readonly pullGate = new PullGate();

  constructor(options: PushConsumerOptions) {
    this.group = options.groupName ?? options.consumerGroup ?? '';
    checkGroup(this.group);
    this.options = options;
    this.instance = new ClientInstance(options);
    this.clustering = (options.messageModel ?? MessageModel.CLUSTERING) === MessageModel.CLUSTERING;
    this.strategy = options.allocateMessageQueueStrategy ?? allocateAveragely;
    this.offsetStore = makeOffsetStore(this.clustering, this.instance, this.group, options.offsetStoreDir);
    this.settings = {
      pullBatchSize: options.pullBatchSize ?? 32,
      pullIntervalMs: options.pullInterval ?? 0,
      pullThresholdForQueue: options.pullThresholdForQueue ?? 1000,
      pullThresholdSizeForQueueBytes: (options.pullThresholdSizeForQueue ?? 100) * 1024 * 1024,
      consumeConcurrentlyMaxSpan: options.consumeConcurrentlyMaxSpan ?? 2000,
      pullTimeDelayMsWhenException: options.pullTimeDelayMillsWhenException ?? 1000,
      flowControlDelayMs: 50,
      brokerSuspendMaxTimeMs: 15_000,
      consumerTimeoutMsWhenSuspend: 30_000,
    };
    this.rebalancer = new RebalanceService(this);
  }

  get logger(): ClientInstance['logger'] {
    return this.instance.logger;
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  /**
   * Subscribes `topic` with a tag expression ('*', 'TagA || TagB'), a MessageSelector
   * (`MessageSelector.bySql('a between 0 and 3')`), or an expression and its type.
   */
  subscribe(topic: string, selector: MessageSelector): void;
  subscribe(topic: string, expression?: string, expressionType?: ExpressionType): void;
  subscribe(topic: string, selector: MessageSelector | string = '*', expressionType: ExpressionType = ExpressionType.TAG): void {
    checkTopic(topic);
    const subscription = selector instanceof MessageSelector
      ? buildSubscription(topic, selector.expression, selector.expressionType)
      : buildSubscription(topic, selector, expressionType);
    this.subscriptionTable.set(topic, subscription);
    if (this.state === 'running') {
      void this.instance.updateRoute(topic).then(() => this.instance.heartbeatAll()).then(() => this.rebalancer.rebalance())
        .catch((error: unknown) => this.logger.warn({ err: error, topic }, 'subscribe after start failed'));
    }
  }

  unsubscribe(topic: string): void {
    this.subscriptionTable.delete(topic);
  }

  /** A concurrent listener (function or `{ consumeMessage }`), or a `MessageListenerOrderly`. */
  registerMessageListener(listener: MessageListenerConcurrently | MessageListenerOrderly): void {
    if (this.state !== 'created') throw clientState('registerMessageListener must be called before start()');
    this.listener = listener;
  }

  /** True when the registered listener is a MessageListenerOrderly. */
  get consumeOrderly(): boolean {
    return this.listener instanceof MessageListenerOrderly;
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw clientState(`The PushConsumer service state not OK, ${this.state}`);
    if (this.listener === null) throw clientState('messageListener is null');
    if (this.subscriptionTable.size === 0) throw clientState('no subscription: call subscribe() before start()');
    if (this.clustering) this.subscriptionTable.set(`%RETRY%${this.group}`, buildSubscription(`%RETRY%${this.group}`, '*'));
    const listener = this.listener;
    this.consumeService = listener instanceof MessageListenerOrderly
      ? this.orderlyService(listener)
      : this.concurrentService(listener);
    if (listener instanceof MessageListenerOrderly) {
      this.settings.consumeConcurrentlyMaxSpan = Number.POSITIVE_INFINITY;
      if (this.clustering) this.locker = new QueueLocker(this.instance, this.group);
    }
    await this.offsetStore.load();
    await this.instance.start(this);
    this.state = 'running';
    await this.instance.refreshAllRoutes();
    try {
      await this.checkClientInBroker();
    } catch (error) {
      this.state = 'shutdown';
      await this.instance.shutdown();
      throw error;
    }
    await this.instance.heartbeatAll();
    await this.rebalancer.rebalance();
    this.instance.every(this.options.rebalanceIntervalMs ?? 20_000, () => this.rebalancer.rebalance());
    this.instance.every(this.options.persistConsumerOffsetInterval ?? 5_000, () => this.persistOffsets());
    if (this.locker !== undefined) {
      this.instance.every(this.options.rebalanceLockIntervalMs ?? 20_000, () => this.rebalancer.renewLocks());
    }
    this.logger.info({ group: this.group, clustering: this.clustering, orderly: this.consumeOrderly }, 'push consumer started');
  }

  private concurrentService(listener: MessageListenerConcurrently): ConsumeService {
    return new ConsumeService({
      listener, consumerGroup: this.group, clustering: this.clustering,
      inFlightMax: this.options.consumeThreadMax ?? 20, batchMaxSize: this.options.consumeMessageBatchMaxSize ?? 1,
      logger: this.logger,
      sendMessageBack: (message, delayLevel, queue) => sendMessageBack(this, message, delayLevel, queue, this.maxReconsumeTimes()),
      updateOffset: (queue, queueOffset) => this.offsetStore.updateOffset(queue, queueOffset, true),
    });
  }

  private orderlyService(listener: MessageListenerOrderly): OrderlyConsumeService {
    const configured = this.options.maxReconsumeTimes ?? -1;
    const maxReconsumeTimes = configured < 0 ? ORDERLY_MAX_RECONSUME_TIMES_DEFAULT : configured;
    return new OrderlyConsumeService({
      listener, consumerGroup: this.group, clustering: this.clustering,
      batchMaxSize: this.options.consumeMessageBatchMaxSize ?? 1,
      suspendTimeMs: this.options.suspendCurrentQueueTimeMillis ?? 1000, maxReconsumeTimes,
      maxTimeConsumeContinuouslyMs: this.options.maxTimeConsumeContinuouslyMs ?? 60_000,
      lockMaxLiveMs: this.options.lockMaxLiveMs ?? 30_000, lockRetryMs: this.lockRetryMs, logger: this.logger,
      sendToDeadLetter: (message) => republishToRetry(this, message, {
        reconsumeTimes: message.reconsumeTimes, maxReconsumeTimes, delayLevel: null,
      }),
      updateOffset: (queue, queueOffset) => this.offsetStore.updateOffset(queue, queueOffset, false),
      relock: (queue, processQueue) => this.rebalancer.relock(queue, processQueue),
    });
  }

  /**
   * CHECK_CLIENT_CONFIG for every non-TAG subscription, to each broker master of the topic
   * (Java asks one): a broker without property filtering, or one that cannot compile the
   * expression, fails the start with its verdict (MQResponseError).
   */
  private async checkClientInBroker(): Promise<void> {
    for (const subscription of this.subscriptionTable.values()) {
      if (subscription.expressionType === ExpressionType.TAG) continue;
      const route = this.instance.route(subscription.topic);
      for (const broker of route?.brokerDatas ?? []) {
        const address = this.instance.masterAddress(broker.brokerName);
        if (address === undefined) continue;
        await checkClientConfig(this.instance.brokerRemoting, address, this.clientId, this.group, subscription,
          this.instance.config.requestTimeoutMs);
      }
    }
  }

  /**
   * Stops pulling, waits for running handlers, commits offsets, (orderly) unlocks the queues,
   * unregisters, closes connections.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'shutdown';
    this.pullGate.open();
    await this.consumeService?.shutdown(this.options.awaitTerminationMillisWhenShutdown ?? 5_000);
    await this.persistOffsets();
    this.rebalancer.dropAll();
    await this.rebalancer.unlockAll();
    await this.instance.shutdown();
  }

  /**
   * Stops sending pulls (DefaultMQPushConsumer.suspend): each queue's loop parks before its next
   * pull. A pull already sent (a long poll held by the broker included) still completes, and
   * what it brings, like every message already pulled, is delivered. Rebalancing, heartbeats
   * and offset commits go on. Callable before start (the consumer then starts suspended).
   */
  suspend(): void {
    this.suspendedFlag = true;
  }

  /** Sends pulls again (DefaultMQPushConsumer.resume): parked queue loops pull at once. */
  resume(): void {
    this.suspendedFlag = false;
    this.pullGate.open();
  }

  /** True between suspend() and resume(). */
  isSuspended(): boolean {
    return this.suspendedFlag;
  }

  /** Queues this consumer owns now (for tests and tools). */
  ownedQueues(): MessageQueue[] {
    return this.rebalancer.ownedQueues();
  }

  /** Triggers a rebalance now (what NOTIFY_CONSUMER_IDS_CHANGED does). */
  rebalance(): Promise<void> {
    return this.rebalancer.rebalance();
  }

  private async persistOffsets(): Promise<void> {
    await this.offsetStore.persistAll(this.rebalancer.ownedQueues());
  }

  private maxReconsumeTimes(): number {
    const configured = this.options.maxReconsumeTimes ?? -1;
    return configured < 0 ? 16 : configured;
  }

  // RebalanceHost

  get queueLocker(): QueueLocker | undefined {
    return this.locker;
  }

  get lockRetryMs(): number {
    return this.options.lockRetryMs ?? 1000;
  }

  subscriptions(): ReadonlyMap<string, SubscriptionData> {
    return this.subscriptionTable;
  }

  startOffset(queue: MessageQueue): Promise<number> {
    return computeStartOffset(this.instance, this.offsetStore, queue,
      this.options.consumeFromWhere ?? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, this.options.consumeTimestamp);
  }

  startPulling(queue: MessageQueue, processQueue: ProcessQueue, nextOffset: number): void {
    void new PullTask(this, queue, processQueue, nextOffset).run();
  }

  // PullHost

  subscription(topic: string): SubscriptionData | undefined {
    return this.subscriptionTable.get(topic);
  }

  deliver(messages: MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): void {
    this.consumeService?.submit(messages, processQueue, queue);
  }

  offsetMoved(queue: MessageQueue): void {
    void this.rebalancer.drop(queue).then(() => this.rebalancer.rebalance());
  }

  isRunning(): boolean {
    return this.state === 'running';
  }

  pullSuspended(_queue: MessageQueue): boolean {
    return this.suspendedFlag;
  }

  pullPauseMs(processQueue: ProcessQueue): number {
    return this.locker !== undefined && !processQueue.locked ? this.lockRetryMs : 0;
  }

  // ClientMember

  topics(): Iterable<string> {
    return [...this.subscriptionTable.keys()];
  }

  routeChanged(_topic: string, _route: TopicRouteData): void {
    if (this.state === 'running') void this.rebalancer.rebalance();
  }

  fillHeartbeat(heartbeat: HeartbeatData): void {
    heartbeat.consumerDataSet.push({
      groupName: this.group, consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.clustering ? 'CLUSTERING' : 'BROADCASTING',
      consumeFromWhere: this.options.consumeFromWhere ?? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET, unitMode: false,
      subscriptionDataSet: [...this.subscriptionTable.values()].map((s) => ({ ...s })),
    });
  }

  resetOffsets(_topic: string, group: string, offsets: ReadonlyArray<[MessageQueue, number]>): void {
    if (group !== this.group || this.state !== 'running') return;
    void (async () => {
      for (const [queue, queueOffset] of offsets) {
        const processQueue = this.rebalancer.processQueueOf(queue);
        if (processQueue !== undefined) processQueue.dropped = true;
        this.offsetStore.updateOffset(queue, queueOffset, false);
        await this.offsetStore.persistAll([queue]);
        await this.rebalancer.drop(queue);
      }
      await this.rebalancer.rebalance();
    })().catch((error: unknown) => this.logger.warn({ err: error }, 'offset reset failed'));
  }

  consumerIdsChanged(group: string): void {
    if (group === this.group && this.state === 'running') void this.rebalancer.rebalance();
  }

  groups(): { consumerGroup: string } {
    return { consumerGroup: this.group };
  }
}
