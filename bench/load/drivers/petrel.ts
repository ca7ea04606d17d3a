/**
 * Petrel driver: the real client SDK (src/client) over TCP or WebSocket (`transport`), against a
 * real broker. Topics are created with the workload's queue count on every master (admin
 * request, then wait for the route). Producers are SDK `Producer`s (one client each); consumers
 * are `PushConsumer`s (clustering: the consumers of a subscription share its queues) or, with
 * `consumerType: litePull`, `LitePullConsumer`s polling in a loop. Pause / resume: the push
 * consumer's suspend() / resume(); the lite pull consumer's poll loop stops and its queues are
 * paused.
 *
 * Born time: the payload stamp (µs) when present, else the record's bornTimestamp (ms).
 * Store time: the record's storeTimestamp (ms).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsumeConcurrentlyStatus, ConsumeFromWhere, LitePullConsumer, Message, Producer, PushConsumer, SendStatus,
} from '../../../src/client/index.js';
import type { MessageExt, SendResult } from '../../../src/client/index.js';
import type {
  BenchmarkConsumer, BenchmarkDriver, BenchmarkProducer, ConsumerCallback, DriverConfig, DriverEnvironment,
  SendOptions, StartPosition,
} from '../types.js';
import { STAMP_BYTES, STAMP_MAGIC, nowUs } from '../payload.js';
import { booleanField, checkKnownFields, choiceField, numberField, runSuffix, stringField } from './fields.js';
import { PetrelAdmin } from './petrel-admin.js';
import type { MasterBroker } from './petrel-admin.js';

const KNOWN_FIELDS = [
  'namesrvAddr', 'clusterName', 'transport', 'sendMsgTimeoutMs', 'retryTimesWhenSendFailed',
  'consumerType', 'pullBatchSize', 'consumeMessageBatchMaxSize', 'consumeThreadMax',
  'pullThresholdForQueue', 'logDir', 'vipChannelEnabled', 'createTopics', 'autoBatch', 'batchMaxDelayMs',
  'batchMaxBytes',
] as const;

interface PetrelSettings {
  namesrvAddr: string;
  clusterName: string;
  transport: 'tcp' | 'ws';
  sendMsgTimeoutMs: number;
  retryTimesWhenSendFailed: number;
  consumerType: 'push' | 'litePull';
  pullBatchSize: number;
  consumeMessageBatchMaxSize: number;
  consumeThreadMax: number;
  pullThresholdForQueue: number;
  logDir: string;
  createTopics: boolean;
  /** The producer's auto-batching (RocketMQ 5 autoBatch; src/client/send-accumulator.ts). */
  autoBatch: boolean;
  batchMaxDelayMs: number;
  batchMaxBytes: number;
}

function settingsFrom(config: DriverConfig): PetrelSettings {
  const f = config.fields;
  checkKnownFields(f, KNOWN_FIELDS, config.name);
  const logDir = stringField(f, 'logDir', '');
  return {
    namesrvAddr: stringField(f, 'namesrvAddr', process.env.NAMESRV_ADDR ?? '127.0.0.1:9876'),
    clusterName: stringField(f, 'clusterName', ''),
    transport: choiceField(f, 'transport', ['tcp', 'ws'] as const, 'tcp'),
    sendMsgTimeoutMs: numberField(f, 'sendMsgTimeoutMs', 10_000),
    retryTimesWhenSendFailed: numberField(f, 'retryTimesWhenSendFailed', 2),
    consumerType: choiceField(f, 'consumerType', ['push', 'litePull'] as const, 'push'),
    pullBatchSize: numberField(f, 'pullBatchSize', 32),
    consumeMessageBatchMaxSize: numberField(f, 'consumeMessageBatchMaxSize', 32),
    consumeThreadMax: numberField(f, 'consumeThreadMax', 64),
    pullThresholdForQueue: numberField(f, 'pullThresholdForQueue', 1000),
    // Client logs go to a temporary folder unless asked: a benchmark must not fill ~/logs.
    logDir: logDir === '' ? mkdtempSync(join(tmpdir(), 'mqbench-client-')) : logDir,
    createTopics: booleanField(f, 'createTopics', true),
    autoBatch: booleanField(f, 'autoBatch', false),
    batchMaxDelayMs: numberField(f, 'batchMaxDelayMs', 10),
    batchMaxBytes: numberField(f, 'batchMaxBytes', 32 * 1024),
  };
}

/** Marks a non-OK send status as the broker's answer (counted as 'Response Failed'). */
class SendStatusError extends Error {
  override name = 'SendStatusError';
  readonly responseCode = -1;
}

function checkSendStatus(result: SendResult): void {
  if (result.sendStatus !== SendStatus.SEND_OK) throw new SendStatusError(result.sendStatus);
}

class PetrelProducer implements BenchmarkProducer {
  constructor(private readonly producer: Producer, private readonly topic: string) {}

  send(payload: Buffer, options: SendOptions | undefined): Promise<void> {
    let message: Message;
    try {
      message = new Message(this.topic, payload);
      if (options !== undefined) {
        if (options.tag !== undefined) message.tags = options.tag;
        if (options.key !== undefined) message.keys = options.key;
        if (options.delayLevel !== undefined) message.delayTimeLevel = options.delayLevel;
      }
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // One reaction on the SDK's promise (no async function's own promise and resume).
    return this.producer.send(message).then(checkSendStatus);
  }

  async close(): Promise<void> {
    await this.producer.shutdown();
  }
}

/**
 * Hands each message to the harness. The stamp is read straight from the body (a Buffer; what
 * `readStamp` does without its DataView per message) and the timestamps are plain numeric
 * fields of the pulled message: nothing here makes the SDK decode strings.
 */
function deliver(messages: MessageExt[], callback: ConsumerCallback): void {
  const receivedUs = nowUs(); // one clock read per delivered batch (what the listener got at once)
  for (const message of messages) {
    const body = message.body;
    const stamped = body.length >= STAMP_BYTES && body.readUInt32BE(0) === STAMP_MAGIC;
    const bornUs = stamped ? body.readDoubleBE(4) : message.bornTimestamp * 1000;
    callback(body.length, bornUs, message.storeTimestamp * 1000, receivedUs);
  }
}

class PushConsumerHandle implements BenchmarkConsumer {
  constructor(private readonly consumer: PushConsumer) {}

  /** DefaultMQPushConsumer.suspend(): no new pull; a held long poll still delivers. */
  async pause(): Promise<void> {
    this.consumer.suspend();
  }

  async resume(): Promise<void> {
    this.consumer.resume();
  }

  async close(): Promise<void> {
    await this.consumer.shutdown();
  }
}

/**
 * Polls in a loop. Paused, the loop stops and the topic's queues are paused too, so the
 * consumer's background pulls stop as well (else they would fill its cache up to
 * pullThresholdForQueue per queue); the messages already cached are polled after resume.
 */
class LitePullHandle implements BenchmarkConsumer {
  private running = true;
  private done: Promise<void>;

  constructor(private readonly consumer: LitePullConsumer, private readonly topic: string, private readonly callback: ConsumerCallback) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) deliver(await this.consumer.poll(100), this.callback);
  }

  async pause(): Promise<void> {
    this.consumer.pause(await this.consumer.fetchMessageQueues(this.topic));
    this.running = false;
    await this.done.catch(() => undefined);
  }

  async resume(): Promise<void> {
    this.consumer.resume(await this.consumer.fetchMessageQueues(this.topic));
    if (this.running) return;
    this.running = true;
    this.done = this.loop();
  }

  async close(): Promise<void> {
    this.running = false;
    await this.done.catch(() => undefined);
    await this.consumer.shutdown();
  }
}

export class PetrelDriver implements BenchmarkDriver {
  readonly name: string;
  private readonly settings: PetrelSettings;
  private readonly admin: PetrelAdmin;
  private masters: MasterBroker[] = [];
  private env: DriverEnvironment | undefined;

  constructor(config: DriverConfig) {
    this.name = config.name;
    this.settings = settingsFrom(config);
    this.admin = new PetrelAdmin(this.settings.namesrvAddr);
  }

  private clientOptions(): { namesrvAddr: string; transport: 'tcp' | 'ws'; logDir: string; logLevel: string } {
    return { namesrvAddr: this.settings.namesrvAddr, transport: this.settings.transport, logDir: this.settings.logDir, logLevel: 'warn' };
  }

  async initialize(): Promise<void> {
    this.masters = await this.admin.masterBrokers(this.settings.clusterName);
    const config = await this.admin.brokerConfig(this.masters[0]!.address);
    const keys = ['flushDiskType', 'brokerRole', 'listenPort', 'storePathRootDir', 'mappedFileSizeCommitLog',
      'flushIntervalCommitLog', 'maxTransferCountOnMessageInMemory', 'transientStorePoolEnable'];
    const brokerConfig: Record<string, string> = {};
    for (const key of keys) if (config[key] !== undefined) brokerConfig[key] = config[key];
    brokerConfig.masters = this.masters.map((m) => `${m.brokerName}@${m.address}`).join(' ');
    this.env = {
      system: `petrel ${config.brokerVersion ?? config.rocketmqVersion ?? ''}`.trim(),
      flushMode: config.flushDiskType ?? 'unknown',
      client: `petrel SDK over ${this.settings.transport} (${this.settings.consumerType} consumer`
        + `${this.settings.autoBatch ? `, autoBatch ${this.settings.batchMaxBytes} B / ${this.settings.batchMaxDelayMs} ms` : ''})`,
      brokerConfig,
    };
  }

  topicNamePrefix(): string {
    return `test-topic-${runSuffix()}`;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    if (this.settings.createTopics) await this.admin.createTopic(topic, partitions, this.masters);
  }

  async createProducer(topic: string): Promise<BenchmarkProducer> {
    const producer = new Producer({
      ...this.clientOptions(),
      producerGroup: `mqbench-producer-${runSuffix()}`,
      sendMsgTimeout: this.settings.sendMsgTimeoutMs,
      retryTimesWhenSendFailed: this.settings.retryTimesWhenSendFailed,
      autoBatch: this.settings.autoBatch,
      batchMaxDelayMs: this.settings.batchMaxDelayMs,
      batchMaxBytes: this.settings.batchMaxBytes,
    });
    await producer.start();
    return new PetrelProducer(producer, topic);
  }

  async createConsumer(topic: string, subscription: string, startAt: StartPosition, callback: ConsumerCallback): Promise<BenchmarkConsumer> {
    const consumeFromWhere = startAt === 'earliest'
      ? ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET : ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET;
    const s = this.settings;
    if (s.consumerType === 'litePull') {
      const consumer = new LitePullConsumer({
        ...this.clientOptions(), consumerGroup: subscription, consumeFromWhere,
        pullBatchSize: s.pullBatchSize, pullThresholdForQueue: s.pullThresholdForQueue,
      });
      consumer.subscribe(topic, '*');
      await consumer.start();
      return new LitePullHandle(consumer, topic, callback);
    }
    const consumer = new PushConsumer({
      ...this.clientOptions(), consumerGroup: subscription, consumeFromWhere,
      pullBatchSize: s.pullBatchSize, consumeMessageBatchMaxSize: s.consumeMessageBatchMaxSize,
      consumeThreadMax: s.consumeThreadMax, pullThresholdForQueue: s.pullThresholdForQueue,
    });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener((messages) => {
      deliver(messages, callback);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await consumer.start();
    return new PushConsumerHandle(consumer);
  }

  environment(): DriverEnvironment {
    if (this.env === undefined) throw new Error('petrel driver not initialized');
    return this.env;
  }

  async close(): Promise<void> {
    this.admin.close();
  }
}
