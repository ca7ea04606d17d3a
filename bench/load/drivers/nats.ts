/**
 * NATS JetStream driver (nats.js). A topic is a file-storage stream `<topic>` with subjects
 * `<topic>.<p>` for its partitions. Producers publish with acks (js.publish resolves on the
 * stream's PubAck) round robin over the partition subjects. Consumers are durable pull
 * consumers (one per subscription; consumers of a subscription compete) read with
 * `consume()` in callback mode, acking each message unless `ackPolicy: none`.
 *
 * Store time is the stream's nanosecond timestamp from the delivery info.
 */
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, connect } from 'nats';
import type { ConsumeOptions, Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import type { BenchmarkConsumer, BenchmarkDriver, BenchmarkProducer, ConsumerCallback, DriverConfig, DriverEnvironment, StartPosition } from '../types.js';
import { readStamp } from '../payload.js';
import { checkKnownFields, choiceField, numberField, runSuffix, stringField } from './fields.js';

const KNOWN_FIELDS = ['natsHostUrl', 'replicas', 'ackPolicy', 'pullBatchMessages', 'storage'] as const;

interface NatsSettings {
  url: string;
  replicas: number;
  ackPolicy: 'explicit' | 'none';
  pullBatchMessages: number;
  storage: 'file' | 'memory';
}

function settingsFrom(config: DriverConfig): NatsSettings {
  const f = config.fields;
  checkKnownFields(f, KNOWN_FIELDS, config.name);
  return {
    url: stringField(f, 'natsHostUrl', 'nats://127.0.0.1:4222'),
    replicas: numberField(f, 'replicas', 1),
    ackPolicy: choiceField(f, 'ackPolicy', ['explicit', 'none'] as const, 'explicit'),
    pullBatchMessages: numberField(f, 'pullBatchMessages', 1000),
    storage: choiceField(f, 'storage', ['file', 'memory'] as const, 'file'),
  };
}

class NatsProducer implements BenchmarkProducer {
  private partition = 0;
  constructor(private readonly js: JetStreamClient, private readonly subjects: string[]) {}

  async send(payload: Buffer): Promise<void> {
    const subject = this.subjects[this.partition]!;
    this.partition = this.partition + 1 === this.subjects.length ? 0 : this.partition + 1;
    await this.js.publish(subject, payload);
  }

  async close(): Promise<void> {}
}

/**
 * A `consume()` of a durable pull consumer. Paused, the consume is closed (its pull requests are
 * no longer refilled); resumed, a new `consume()` of the same durable consumer goes on from its
 * acknowledged position.
 */
class NatsConsumer implements BenchmarkConsumer {
  private messages: ConsumerMessages | undefined;

  constructor(private readonly consumer: Consumer, private readonly options: ConsumeOptions) {}

  async start(): Promise<void> {
    this.messages = await this.consumer.consume(this.options);
  }

  async pause(): Promise<void> {
    const messages = this.messages;
    this.messages = undefined;
    await messages?.close();
  }

  async resume(): Promise<void> {
    if (this.messages === undefined) await this.start();
  }

  async close(): Promise<void> {
    await this.pause();
  }
}

export class NatsJetStreamDriver implements BenchmarkDriver {
  readonly name: string;
  private readonly settings: NatsSettings;
  private readonly connections: NatsConnection[] = [];
  private admin: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  private readonly subjectsByTopic = new Map<string, string[]>();
  private env: DriverEnvironment | undefined;

  constructor(config: DriverConfig) {
    this.name = config.name;
    this.settings = settingsFrom(config);
  }

  private async connect(): Promise<NatsConnection> {
    const nc = await connect({ servers: this.settings.url, maxReconnectAttempts: 0, pingInterval: 60_000 });
    this.connections.push(nc);
    return nc;
  }

  private jsm(): JetStreamManager {
    if (this.admin === undefined) throw new Error('nats driver not initialized');
    return this.admin.jsm;
  }

  async initialize(): Promise<void> {
    const nc = await this.connect();
    const jsm = await nc.jetstreamManager();
    this.admin = { nc, jsm };
    const account = await jsm.getAccountInfo();
    this.env = {
      system: `nats-server ${nc.info?.version ?? 'unknown'}`,
      flushMode: `JetStream ${this.settings.storage} storage (server default sync interval)`,
      client: `nats.js (pull consumer, ack ${this.settings.ackPolicy})`,
      brokerConfig: {
        storage: this.settings.storage,
        replicas: String(this.settings.replicas),
        jetstreamApiLevel: String(account.api.total),
      },
    };
  }

  topicNamePrefix(): string {
    return `test-topic-${runSuffix()}`;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    const subjects = Array.from({ length: partitions }, (_, p) => `${topic}.${p}`);
    await this.jsm().streams.add({
      name: topic,
      subjects: [`${topic}.*`],
      storage: this.settings.storage === 'file' ? StorageType.File : StorageType.Memory,
      retention: RetentionPolicy.Limits,
      num_replicas: this.settings.replicas,
    });
    this.subjectsByTopic.set(topic, subjects);
  }

  private subjectsOf(topic: string): string[] {
    const subjects = this.subjectsByTopic.get(topic);
    if (subjects === undefined) throw new Error(`topic ${topic} was not created`);
    return subjects;
  }

  async createProducer(topic: string): Promise<BenchmarkProducer> {
    const nc = await this.connect();
    return new NatsProducer(nc.jetstream(), this.subjectsOf(topic));
  }

  async createConsumer(topic: string, subscription: string, startAt: StartPosition, callback: ConsumerCallback): Promise<BenchmarkConsumer> {
    this.subjectsOf(topic);
    try {
      await this.jsm().consumers.add(topic, {
        durable_name: subscription,
        ack_policy: this.settings.ackPolicy === 'explicit' ? AckPolicy.Explicit : AckPolicy.None,
        deliver_policy: startAt === 'earliest' ? DeliverPolicy.All : DeliverPolicy.New,
        max_ack_pending: -1,
      });
    } catch (error) {
      if (!String(error).includes('already')) throw error;
    }
    const nc = await this.connect();
    const consumer = await nc.jetstream().consumers.get(topic, subscription);
    const ack = this.settings.ackPolicy === 'explicit';
    const handle = new NatsConsumer(consumer, {
      max_messages: this.settings.pullBatchMessages,
      callback: (message) => {
        const data = message.data;
        callback(data.length, readStamp(data), message.info.timestampNanos / 1000);
        if (ack) message.ack();
      },
    });
    await handle.start();
    return handle;
  }

  environment(): DriverEnvironment {
    if (this.env === undefined) throw new Error('nats driver not initialized');
    return this.env;
  }

  async close(): Promise<void> {
    for (const nc of this.connections.splice(0)) await nc.close().catch(() => undefined);
    this.admin = undefined;
  }
}
