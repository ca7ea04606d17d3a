import { ErrorCode, PetrelError } from '../common/errors.js';
import { MESSAGE_BYTES_MAX_DEFAULT } from '../common/limits.js';
import type { TopicRouteData } from '../protocol/bodies/route.js';
import { SysFlag } from '../protocol/record-layout.js';
import type { HeartbeatData, SendHeader } from './client-api.js';
import type { ClientOptions } from './client-config.js';
import { ClientInstance, type ClientMember } from './client-instance.js';
import { COMPRESS_BODY_OVER_BYTES_DEFAULT, COMPRESS_LEVEL_DEFAULT } from './compression.js';
import { clientState, invalidMessage, noRoute } from './errors.js';
import { FAULT_ISOLATION_MS_DEFAULT, LatencyFaultTolerance } from './fault-tolerance.js';
import { type Message, MessageProperty } from './message.js';
import type { MessageQueue } from './message-queue.js';
import { type MessageQueueSelector, runSelector } from './selectors.js';
import {
  type AccumulatedBatch, BATCH_MAX_BYTES_DEFAULT, BATCH_MAX_DELAY_MS_DEFAULT, canBatch, SendAccumulator,
  TOTAL_BATCH_MAX_BYTES_DEFAULT,
} from './send-accumulator.js';
import { batchSendHost } from './send-batch-host.js';
import { encodeBatch, type PreparedMessage, prepareMessage, stampUniqKey } from './send-encode.js';
import { sendResultOf } from './send-response.js';
import { type SendCallback, SendResult } from './send-result.js';
import { SendCall, type SendHost } from './send-call.js';
import { SendRequestCommand, SendTemplate } from './send-frame.js';
import { publishQueuesOf, TopicPublishInfo } from './topic-route.js';
import { FastUniqKeyGenerator } from './uniq-key.js';
import { checkGroup, checkMessage, DEFAULT_TOPIC } from './validators.js';

/**
 * The producer (Java's DefaultMQProducer): `send` → Promise<SendResult>, the callback form,
 * `sendOneway`, `send(msg, selector, arg)` for ordered messages, `send(msgs[])` batches, and
 * `send(msg, queue)`. Synchronous-style sends retry on another broker
 * (`retryTimesWhenSendFailed`, async: `retryTimesWhenSendAsyncFailed`) within
 * `sendMsgTimeout` overall; brokers that failed recently are avoided. Routes come from the
 * NameServer (refreshed every 30 s); a topic the NameServer does not know is sent through the
 * TBW102 default route so the broker auto-creates it (when it allows that).
 *
 * Hot path: per send, one UNIQ_KEY, one properties string, one header object and the promise
 * the caller awaits; timeouts live in the remoting layer's shared wheel, writes are coalesced.
 */
export interface ProducerOptions extends ClientOptions {
  /** Producer group (Java: producerGroup). Default DEFAULT_PRODUCER. */
  groupName?: string;
  producerGroup?: string;
  /** Timeout of one send, retries included. Default 3000 ms. */
  sendMsgTimeout?: number;
  retryTimesWhenSendFailed?: number;
  retryTimesWhenSendAsyncFailed?: number;
  /** Retry on another broker when the status is not SEND_OK. Default false. */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  compressMsgBodyOverHowmuch?: number;
  compressLevel?: number;
  maxMessageSize?: number;
  defaultTopicQueueNums?: number;
  createTopicKey?: string;
  /** Avoid brokers that failed or were slow recently. Default true. */
  sendLatencyFaultEnable?: boolean;
  /** How long a broker that failed a send is avoided. Default 30 000 ms. */
  faultIsolationMs?: number;
  /**
   * RocketMQ 5's producer auto-batching (send-accumulator.ts): plain sends to one topic issued
   * close together (promise or callback form; no queue, selector, delay, transaction or retry
   * topic) go out as one SEND_BATCH_MESSAGE, each caller still getting its own SendResult.
   * Default false, as in RocketMQ.
   */
  autoBatch?: boolean;
  /** Longest a batch lingers while it keeps growing. Default 10 ms (RocketMQ's). */
  batchMaxDelayMs?: number;
  /** Batch body bytes (entries with their properties), at most. Default 32 KiB. */
  batchMaxBytes?: number;
  /** Bytes held by open and unanswered batches; over it a send fails (retriable). Default 32 MiB. */
  totalBatchMaxBytes?: number;
}

const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';

/** UNIQ_KEY options for a dotted IPv4 client IP (other forms use the generator's default). */
function ipv4Bytes(ip: string): { ipBytes?: Uint8Array } {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return {};
  return { ipBytes: Uint8Array.from(parts) };
}

export class Producer implements ClientMember {
  readonly groupName: string;
  protected readonly instance: ClientInstance;
  private readonly publishInfos = new Map<string, TopicPublishInfo>();
  /** Publish-info lookups in flight, one per topic, shared by every send that needs it. */
  private readonly publishLookups = new Map<string, Promise<TopicPublishInfo>>();
  private readonly faults: LatencyFaultTolerance;
  private readonly keys: FastUniqKeyGenerator;
  /** Header templates of plain sends (sysFlag 0, flag 0, not batch, not retry), per queue object. */
  private readonly templates = new WeakMap<MessageQueue, SendTemplate>();
  private readonly options: Required<Pick<ProducerOptions,
    'sendMsgTimeout' | 'retryTimesWhenSendFailed' | 'retryTimesWhenSendAsyncFailed' | 'retryAnotherBrokerWhenNotStoreOK'
    | 'compressMsgBodyOverHowmuch' | 'compressLevel' | 'maxMessageSize' | 'defaultTopicQueueNums' | 'createTopicKey'
    | 'sendLatencyFaultEnable'>>;
  private state: 'created' | 'running' | 'shutdown' = 'created';
  /** What each SendCall uses of this producer (one object per producer, not per send). */
  private readonly sendHost: SendHost;
  /** Auto-batching (null unless `autoBatch`), the SendCall host of its batches and their templates. */
  private readonly accumulator: SendAccumulator | null;
  private readonly batchHost: SendHost<AccumulatedBatch>;

  constructor(options: ProducerOptions = {}) {
    this.groupName = options.groupName ?? options.producerGroup ?? DEFAULT_PRODUCER_GROUP;
    checkGroup(this.groupName);
    this.instance = new ClientInstance(options);
    this.options = {
      sendMsgTimeout: options.sendMsgTimeout ?? 3000,
      retryTimesWhenSendFailed: options.retryTimesWhenSendFailed ?? 2,
      retryTimesWhenSendAsyncFailed: options.retryTimesWhenSendAsyncFailed ?? 2,
      retryAnotherBrokerWhenNotStoreOK: options.retryAnotherBrokerWhenNotStoreOK ?? false,
      compressMsgBodyOverHowmuch: options.compressMsgBodyOverHowmuch ?? COMPRESS_BODY_OVER_BYTES_DEFAULT,
      compressLevel: options.compressLevel ?? COMPRESS_LEVEL_DEFAULT,
      maxMessageSize: options.maxMessageSize ?? MESSAGE_BYTES_MAX_DEFAULT,
      defaultTopicQueueNums: options.defaultTopicQueueNums ?? 4,
      createTopicKey: options.createTopicKey ?? DEFAULT_TOPIC,
      sendLatencyFaultEnable: options.sendLatencyFaultEnable ?? true,
    };
    this.faults = new LatencyFaultTolerance(undefined, options.faultIsolationMs ?? FAULT_ISOLATION_MS_DEFAULT);
    this.keys = new FastUniqKeyGenerator(ipv4Bytes(this.instance.config.clientIP));
    this.sendHost = this.makeSendHost();
    this.batchHost = batchSendHost(this.sendHost, () => this.checkRunning(), {
      producerGroup: this.groupName, defaultTopic: this.options.createTopicKey,
      defaultTopicQueueNums: this.options.defaultTopicQueueNums,
    });
    this.accumulator = options.autoBatch === true
      ? new SendAccumulator({ send: (batch) => this.sendAccumulated(batch) }, {
        batchMaxDelayMs: options.batchMaxDelayMs ?? BATCH_MAX_DELAY_MS_DEFAULT,
        batchMaxBytes: options.batchMaxBytes ?? BATCH_MAX_BYTES_DEFAULT,
        totalBatchMaxBytes: options.totalBatchMaxBytes ?? TOTAL_BATCH_MAX_BYTES_DEFAULT,
      })
      : null;
  }

  private sendAccumulated(batch: AccumulatedBatch): void {
    new SendCall(this.batchHost, batch, batch.timeoutMs, batch.retries, batch.succeeded, batch.failed).start();
  }

  private makeSendHost(): SendHost {
    const instance = this.instance;
    return {
      logger: instance.logger,
      remoting: instance.brokerRemoting,
      retryAnotherBrokerWhenNotStoreOK: this.options.retryAnotherBrokerWhenNotStoreOK,
      check: (message) => {
        this.checkRunning();
        checkMessage(message, this.options.maxMessageSize);
      },
      usableInfo: (topic) => this.usableInfo(topic),
      publishInfo: (topic) => this.publishInfo(topic),
      prepare: (message) => this.prepare(message),
      command: (message, prepared, queue, nowMs) => this.command(message, prepared, queue, false, nowMs),
      masterAddress: (brokerName) => instance.masterAddress(brokerName),
      brokerAddress: (queue) => this.brokerAddress(queue),
      avoidBroker: this.avoidBroker,
      brokerUsable: (brokerName) => this.brokerUsable(brokerName),
      recordOutcome: (brokerName, latencyMs, failed) => this.recordOutcome(brokerName, latencyMs, failed),
    };
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw clientState(`The producer service state not OK, maybe started once, ${this.state}`);
    await this.instance.start(this);
    this.state = 'running';
    this.instance.logger.info({ group: this.groupName }, 'producer started');
  }

  /** Unregisters from every broker and closes connections. In-flight sends fail. */
  async shutdown(): Promise<void> {
    if (this.state !== 'running') return;
    // Batches still open go out first (their SendCalls then fail as the producer stops).
    this.accumulator?.flushAll();
    this.state = 'shutdown';
    await this.instance.shutdown();
  }

  send(message: Message, timeoutMs?: number): Promise<SendResult>;
  send(messages: readonly Message[], timeoutMs?: number): Promise<SendResult>;
  send(message: Message, callback: SendCallback, timeoutMs?: number): void;
  send(message: Message, queue: MessageQueue, timeoutMs?: number): Promise<SendResult>;
  send<A>(message: Message, selector: MessageQueueSelector<A>, arg: A, timeoutMs?: number): Promise<SendResult>;
  send(
    target: Message | readonly Message[],
    second?: number | SendCallback | MessageQueue | MessageQueueSelector<unknown>,
    third?: unknown,
    fourth?: number,
  ): Promise<SendResult> | void {
    if (Array.isArray(target)) return this.sendBatch(target, second as number | undefined);
    const message = target as Message;
    if (second === undefined || typeof second === 'number') {
      const timeoutMs = second ?? this.options.sendMsgTimeout;
      const retries = this.options.retryTimesWhenSendFailed;
      if (this.accumulator !== null && canBatch(message, this.options.compressMsgBodyOverHowmuch)) {
        return new Promise((resolve, reject) => this.accumulate(message, timeoutMs, retries, resolve, reject));
      }
      return this.sendWithRetries(message, timeoutMs, retries);
    }
    if (typeof second === 'object' && 'onSuccess' in second) {
      // The callback runs inside the connection's read handler: what it throws is logged, never
      // allowed to reach the connection (Java's client also catches it).
      const guarded = (run: () => void): void => {
        try {
          run();
        } catch (error) {
          this.instance.logger.warn({ err: error, topic: message.topic }, 'send callback threw');
        }
      };
      const timeoutMs = (third as number | undefined) ?? this.options.sendMsgTimeout;
      const retries = this.options.retryTimesWhenSendAsyncFailed;
      const done = (result: SendResult): void => guarded(() => second.onSuccess(result));
      const failed = (error: unknown): void => guarded(() => second.onException(error instanceof Error ? error : new Error(String(error))));
      if (this.accumulator !== null && canBatch(message, this.options.compressMsgBodyOverHowmuch)) {
        this.accumulate(message, timeoutMs, retries, done, failed);
        return;
      }
      new SendCall(this.sendHost, message, timeoutMs, retries, done, failed).start();
      return;
    }
    if (typeof second === 'object' && 'queueId' in second) {
      return this.sendToQueue(message, second, (third as number | undefined) ?? this.options.sendMsgTimeout);
    }
    return this.sendWithSelector(message, second as MessageQueueSelector<unknown>, third, fourth ?? this.options.sendMsgTimeout);
  }

  /** Fire-and-forget: resolves once the request is queued; no reply, no retry. */
  async sendOneway(message: Message): Promise<void> {
    this.checkRunning();
    checkMessage(message, this.options.maxMessageSize);
    const info = this.usableInfo(message.topic) ?? await this.publishInfo(message.topic);
    const prepared = this.prepare(message);
    const queue = info.select(this.avoidBroker);
    const address = this.instance.masterAddress(queue.brokerName) ?? await this.brokerAddress(queue);
    await this.instance.brokerRemoting.invokeOneway(address, this.command(message, prepared, queue));
  }

  /**
   * An auto-batched send: checked and stamped here, then written into its topic's open batch;
   * one too large for a batch goes alone.
   */
  private accumulate(
    message: Message, timeoutMs: number, retries: number, done: (result: SendResult) => void, failed: (error: Error) => void,
  ): void {
    let uniqKey: string;
    try {
      this.checkRunning();
      checkMessage(message, this.options.maxMessageSize);
      uniqKey = stampUniqKey(message, this.keys);
    } catch (error) {
      failed(error as Error);
      return;
    }
    const accumulator = this.accumulator as SendAccumulator;
    if (!accumulator.add(message, uniqKey, timeoutMs, retries, done, failed, this.keys.bytesOf(uniqKey))) {
      new SendCall(this.sendHost, message, timeoutMs, retries, done, failed).start();
    }
  }

  /** A send with retries (`SendCall`): the hot path, one call object and the caller's promise. */
  private sendWithRetries(message: Message, timeoutMs: number, retries: number): Promise<SendResult> {
    return new Promise((resolve, reject) => new SendCall(this.sendHost, message, timeoutMs, retries, resolve, reject).start());
  }

  private async sendToQueue(message: Message, queue: MessageQueue, timeoutMs: number): Promise<SendResult> {
    this.checkRunning();
    checkMessage(message, this.options.maxMessageSize);
    if (queue.topic !== message.topic) throw invalidMessage('message\'s topic not equal mq\'s topic');
    const info = await this.publishInfo(message.topic);
    return this.sendOnce(message, this.prepare(message), queue, info, timeoutMs);
  }

  private async sendWithSelector(
    message: Message, selector: MessageQueueSelector<unknown>, arg: unknown, timeoutMs: number,
  ): Promise<SendResult> {
    this.checkRunning();
    checkMessage(message, this.options.maxMessageSize);
    const info = await this.publishInfo(message.topic);
    const queue = runSelector(selector, [...info.queues], message, arg);
    if (queue === undefined || queue === null) throw invalidMessage('select message queue return null.');
    return this.sendOnce(message, this.prepare(message), queue, info, timeoutMs);
  }

  private async sendBatch(messages: readonly Message[], timeoutMs: number | undefined): Promise<SendResult> {
    this.checkRunning();
    for (const message of messages) checkMessage(message, this.options.maxMessageSize);
    const { body, uniqKeys } = encodeBatch(messages, this.keys);
    if (body.length > this.options.maxMessageSize) {
      throw invalidMessage(`the message body size over max value, MAX: ${this.options.maxMessageSize}`);
    }
    const first = messages[0] as Message;
    const info = await this.publishInfo(first.topic);
    const prepared: PreparedMessage = {
      body, sysFlag: 0, properties: `WAIT\u0001${String(first.waitStoreMsgOK)}`, uniqKey: uniqKeys.join(','),
    };
    const queue = info.select((broker) => !this.brokerUsable(broker));
    return this.sendOnce(first, prepared, queue, info, timeoutMs ?? this.options.sendMsgTimeout, true);
  }

  private async sendOnce(
    message: Message, prepared: PreparedMessage, queue: MessageQueue, info: TopicPublishInfo, timeoutMs: number,
    batch = false,
  ): Promise<SendResult> {
    const address = this.instance.masterAddress(queue.brokerName) ?? await this.brokerAddress(queue);
    const command = this.command(message, prepared, queue, batch);
    return new Promise((resolve, reject) => this.instance.brokerRemoting.invokeSend(address, command, timeoutMs, {
      onResponse: (response) => {
        try {
          resolve(sendResultOf(response, queue, prepared.uniqKey));
        } catch (error) {
          reject(error as Error);
        }
      },
      onError: reject,
    }));
  }

  private command(
    message: Message, prepared: PreparedMessage, queue: MessageQueue, batch = false, nowMs = Date.now(),
  ): SendRequestCommand {
    const plain = prepared.sysFlag === 0 && message.flag === 0 && !batch && !message.topic.startsWith('%RETRY%');
    let template = plain ? this.templates.get(queue) : undefined;
    if (template === undefined) {
      template = new SendTemplate(this.header(message, prepared, queue, batch));
      if (plain) this.templates.set(queue, template);
    }
    return new SendRequestCommand(template, nowMs, prepared.properties, prepared.body);
  }

  private header(
    message: Message, prepared: PreparedMessage, queue: MessageQueue, batch: boolean,
  ): Omit<SendHeader, 'bornTimestamp' | 'properties'> {
    const retryTopic = message.topic.startsWith('%RETRY%');
    return {
      producerGroup: this.groupName, topic: message.topic, defaultTopic: this.options.createTopicKey,
      defaultTopicQueueNums: this.options.defaultTopicQueueNums, queueId: queue.queueId, sysFlag: prepared.sysFlag,
      flag: message.flag, reconsumeTimes: retryTopic ? Number(message.properties['RECONSUME_TIME'] ?? 0) : 0,
      unitMode: false, maxReconsumeTimes: retryTopic ? Number(message.properties['MAX_RECONSUME_TIMES'] ?? 16) : undefined,
      batch, brokerName: queue.brokerName,
    };
  }

  private prepare(message: Message): PreparedMessage {
    const prepared = prepareMessage(message, this.keys, this.options.compressMsgBodyOverHowmuch, this.options.compressLevel);
    // A half message (reference §5.4): the PREPARED transaction type travels in the sysFlag.
    if (message.properties[MessageProperty.TRAN_MSG] === 'true') prepared.sysFlag |= SysFlag.TRANSACTION_PREPARED_TYPE;
    return prepared;
  }

  /** Queue selection's filter without a per-send closure. */
  private readonly avoidBroker = (brokerName: string): boolean => !this.brokerUsable(brokerName);

  private brokerUsable(brokerName: string): boolean {
    return !this.options.sendLatencyFaultEnable || this.faults.isAvailable(brokerName);
  }

  private recordOutcome(brokerName: string, latencyMs: number, failed: boolean): void {
    if (this.options.sendLatencyFaultEnable) this.faults.update(brokerName, latencyMs, failed);
  }

  private async brokerAddress(queue: MessageQueue): Promise<string> {
    let address = this.instance.masterAddress(queue.brokerName);
    if (address === undefined) {
      await this.instance.updateRoute(queue.topic).catch(() => null);
      address = this.instance.masterAddress(queue.brokerName);
    }
    if (address === undefined) throw new PetrelError(ErrorCode.ERR_CLIENT_NO_ROUTE, `The broker[${queue.brokerName}] not exist`, { retriable: true });
    return address;
  }

  /** The cached publish info when it has queues (the hot path: no promise). */
  private usableInfo(topic: string): TopicPublishInfo | undefined {
    const known = this.publishInfos.get(topic);
    return known !== undefined && known.ok ? known : undefined;
  }

  /**
   * The topic's publish queues, fetching the route (or the TBW102 default route) when unknown.
   * Concurrent sends to a topic not yet known share one lookup (and one heartbeat after it).
   */
  private publishInfo(topic: string): Promise<TopicPublishInfo> {
    const known = this.publishInfos.get(topic);
    if (known !== undefined && known.ok) return Promise.resolve(known);
    let lookup = this.publishLookups.get(topic);
    if (lookup === undefined) {
      lookup = this.lookupPublishInfo(topic).finally(() => this.publishLookups.delete(topic));
      this.publishLookups.set(topic, lookup);
    }
    return lookup;
  }

  private async lookupPublishInfo(topic: string): Promise<TopicPublishInfo> {
    const route = await this.instance.updateRoute(topic);
    const fresh = this.publishInfos.get(topic);
    if (route !== null && fresh !== undefined && fresh.ok) return fresh;
    const fallback = await this.defaultRouteInfo(topic);
    if (fallback === null || !fallback.ok) throw noRoute(topic);
    this.publishInfos.set(topic, fallback);
    void this.instance.heartbeatAll();
    return fallback;
  }

  private async defaultRouteInfo(topic: string): Promise<TopicPublishInfo | null> {
    const route = await this.instance.updateRoute(this.options.createTopicKey);
    if (route === null) return null;
    const queueNums = this.options.defaultTopicQueueNums;
    const capped = {
      ...route,
      queueDatas: route.queueDatas.map((q) => ({
        ...q, readQueueNums: Math.min(queueNums, q.readQueueNums), writeQueueNums: Math.min(queueNums, q.writeQueueNums),
      })),
    };
    return new TopicPublishInfo(topic, publishQueuesOf(topic, capped), false, true);
  }

  protected checkRunning(): void {
    if (this.state !== 'running') throw clientState(`The producer service state not OK, ${this.state}`);
  }

  // ClientMember

  topics(): Iterable<string> {
    return [...this.publishInfos.keys()];
  }

  routeChanged(topic: string, route: TopicRouteData): void {
    if (topic === this.options.createTopicKey && !this.publishInfos.has(topic)) return;
    const queues = publishQueuesOf(topic, route);
    const hadBrokers = this.publishInfos.get(topic)?.ok ?? false;
    this.publishInfos.set(topic, new TopicPublishInfo(topic, queues, route.orderTopicConf !== undefined));
    if (!hadBrokers) void this.instance.heartbeatAll();
  }

  fillHeartbeat(heartbeat: HeartbeatData): void {
    heartbeat.producerDataSet.push({ groupName: this.groupName });
  }

  groups(): { producerGroup: string } {
    return { producerGroup: this.groupName };
  }
}
