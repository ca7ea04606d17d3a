import type { TopicRouteData } from '../protocol/bodies/route.js';
import { allocateAveragely, type AllocateStrategy } from './allocate.js';
import { consumerSendMessageBack, type HeartbeatData } from './client-api.js';
import type { ClientOptions } from './client-config.js';
import { ClientInstance, type ClientMember } from './client-instance.js';
import { ConsumeService, type MessageListenerConcurrently } from './consume-service.js';
import { computeStartOffset, ConsumeFromWhere, MessageModel, makeOffsetStore } from './consumer-common.js';
import { clientState } from './errors.js';
import { type MessageExt, MessageProperty } from './message.js';
import type { MessageQueue } from './message-queue.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import { type PullHost, type PullSettings, PullTask } from './pull-task.js';
import { RebalanceService, type RebalanceHost } from './rebalance.js';
import { parseSendResponse } from './send-encode.js';
import { SendRequestCommand, SendTemplate } from './send-frame.js';
import { buildSubscription, ExpressionType, type SubscriptionData } from './subscription.js';
import { publishQueuesOf } from './topic-route.js';
import { checkGroup, checkTopic } from './validators.js';

/**
 * The push consumer (Java's DefaultMQPushConsumer with a concurrent listener): subscribe to
 * topics with tag expressions, register a listener, start. Queues are shared among the group's
 * consumers by rebalancing (clustering) or all read by everyone (broadcasting); each owned queue
 * has a long-polling pull loop feeding the consume service; progress is committed to the broker
 * (clustering, every 5 s and on pulls) or a local file (broadcasting). Failed messages go back to
 * the broker for retry (clustering). `shutdown` stops pulling, waits for running handlers,
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
}

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
  private listener: MessageListenerConcurrently | null = null;
  private consumeService: ConsumeService | null = null;
  private state: 'created' | 'running' | 'shutdown' = 'created';

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

  /** Subscribes `topic` with a tag expression ('*', 'TagA || TagB') or SQL92 via expressionType. */
  subscribe(topic: string, expression = '*', expressionType: ExpressionType = ExpressionType.TAG): void {
    checkTopic(topic);
    this.subscriptionTable.set(topic, buildSubscription(topic, expression, expressionType));
    if (this.state === 'running') {
      void this.instance.updateRoute(topic).then(() => this.instance.heartbeatAll()).then(() => this.rebalancer.rebalance())
        .catch((error: unknown) => this.logger.warn({ err: error, topic }, 'subscribe after start failed'));
    }
  }

  unsubscribe(topic: string): void {
    this.subscriptionTable.delete(topic);
  }

  registerMessageListener(listener: MessageListenerConcurrently): void {
    this.listener = listener;
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw clientState(`The PushConsumer service state not OK, ${this.state}`);
    if (this.listener === null) throw clientState('messageListener is null');
    if (this.subscriptionTable.size === 0) throw clientState('no subscription: call subscribe() before start()');
    if (this.clustering) this.subscriptionTable.set(`%RETRY%${this.group}`, buildSubscription(`%RETRY%${this.group}`, '*'));
    this.consumeService = new ConsumeService({
      listener: this.listener, consumerGroup: this.group, clustering: this.clustering,
      inFlightMax: this.options.consumeThreadMax ?? 20, batchMaxSize: this.options.consumeMessageBatchMaxSize ?? 1,
      logger: this.logger,
      sendMessageBack: (message, delayLevel, queue) => this.sendMessageBack(message, delayLevel, queue),
      updateOffset: (queue, queueOffset) => this.offsetStore.updateOffset(queue, queueOffset, true),
    });
    await this.offsetStore.load();
    await this.instance.start(this);
    this.state = 'running';
    await this.instance.refreshAllRoutes();
    await this.instance.heartbeatAll();
    await this.rebalancer.rebalance();
    this.instance.every(this.options.rebalanceIntervalMs ?? 20_000, () => this.rebalancer.rebalance());
    this.instance.every(this.options.persistConsumerOffsetInterval ?? 5_000, () => this.persistOffsets());
    this.logger.info({ group: this.group, clustering: this.clustering }, 'push consumer started');
  }

  /** Stops pulling, waits for running handlers, commits offsets, unregisters, closes connections. */
  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'shutdown';
    await this.consumeService?.shutdown(this.options.awaitTerminationMillisWhenShutdown ?? 5_000);
    await this.persistOffsets();
    this.rebalancer.dropAll();
    await this.instance.shutdown();
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

  /**
   * CONSUMER_SEND_MSG_BACK to the broker that served the message; when that fails, re-publish a
   * copy to %RETRY%<group> as Java's client does (RETRY_TOPIC, ORIGIN_MESSAGE_ID, reconsumeTimes
   * + 1, DELAY 3 + reconsumeTimes). False when both fail (the consume service retries locally).
   */
  private async sendMessageBack(message: MessageExt, delayLevel: number, queue: MessageQueue): Promise<boolean> {
    const brokerName = message.brokerName || queue.brokerName;
    const address = this.instance.masterAddress(brokerName);
    try {
      if (address === undefined) throw new Error(`The broker[${brokerName}] not exist`);
      await consumerSendMessageBack(this.instance.brokerRemoting, address, {
        commitLogOffset: message.commitLogOffset, group: this.group, delayLevel, originMsgId: message.msgId,
        originTopic: message.topic, maxReconsumeTimes: this.maxReconsumeTimes(), brokerName,
      }, this.instance.config.requestTimeoutMs);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, msgId: message.msgId }, 'sendMessageBack failed; re-publishing to the retry topic');
      return this.republishToRetry(message);
    }
  }

  private maxReconsumeTimes(): number {
    const configured = this.options.maxReconsumeTimes ?? -1;
    return configured < 0 ? 16 : configured;
  }

  private async republishToRetry(message: MessageExt): Promise<boolean> {
    const retryTopic = `%RETRY%${this.group}`;
    const route = this.instance.route(retryTopic) ?? await this.instance.updateRoute(retryTopic).catch(() => null);
    const queues = route === null ? [] : publishQueuesOf(retryTopic, route);
    const target = queues[Math.floor(Math.random() * queues.length)];
    const address = target === undefined ? undefined : this.instance.masterAddress(target.brokerName);
    if (target === undefined || address === undefined) return false;
    const properties: Record<string, string> = { ...message.properties };
    for (const name of [MessageProperty.TRAN_MSG, MessageProperty.RECONSUME_TIME, MessageProperty.MAX_RECONSUME_TIMES]) {
      delete properties[name];
    }
    properties[MessageProperty.RETRY_TOPIC] ??= message.topic;
    properties[MessageProperty.ORIGIN_MESSAGE_ID] ??= message.msgId;
    properties[MessageProperty.DELAY] = String(3 + message.reconsumeTimes);
    const template = new SendTemplate({
      producerGroup: 'CLIENT_INNER_PRODUCER', topic: retryTopic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4,
      queueId: target.queueId, sysFlag: 0, flag: message.flag, reconsumeTimes: message.reconsumeTimes + 1,
      unitMode: false, maxReconsumeTimes: this.maxReconsumeTimes(), batch: false, brokerName: target.brokerName,
    });
    try {
      const response = await this.instance.brokerRemoting.invoke(address,
        new SendRequestCommand(template, Date.now(), properties, message.body), this.instance.config.requestTimeoutMs);
      parseSendResponse(response, target, message.msgId);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, msgId: message.msgId }, 're-publishing to the retry topic failed');
      return false;
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
