/**
 * The driver-independent contracts of the load harness. They mirror the OpenMessaging Benchmark
 * (OMB) driver API: a driver creates topics, producers and consumers; the harness paces the
 * producers, records what comes back, and never knows which system it is talking to.
 */

/** How a consumer starts reading: from the oldest retained message or only new ones. */
export type StartPosition = 'earliest' | 'latest';

/** Optional per-message RocketMQ extras; drivers that cannot express one ignore it. */
export interface SendOptions {
  key?: string;
  tag?: string;
  delayLevel?: number;
}

export interface BenchmarkProducer {
  /** Resolves when the system acknowledged the message (durability per its flush mode). */
  send(payload: Buffer, options: SendOptions | undefined): Promise<void>;
  close(): Promise<void>;
}

/**
 * Called once per consumed message. `bornTimeUs` is the producer-side birth time (epoch µs,
 * from the payload stamp when present, else from the system's born timestamp); `storeTimeUs`
 * is when the system stored it (epoch µs, usually millisecond resolution), or undefined when
 * the system does not say.
 */
export type ConsumerCallback = (
  payloadBytes: number,
  bornTimeUs: number | undefined,
  storeTimeUs: number | undefined,
  /**
   * When the client handed over the batch holding this message (epoch µs, `nowUs()`), read once
   * per batch by drivers whose client delivers batches; absent, the harness reads the clock.
   */
  receivedTimeUs?: number,
) => void;

/**
 * A consumer. `pause` / `resume` serve the backlog phase (OMB pauses its consumers while the
 * backlog is built; OMB does it by blocking the callback thread, which Node cannot, so here each
 * driver stops issuing reads): after `pause` no new read or pull is sent, a read already under
 * way (a blocking XREAD, a held long poll) may still deliver; `resume` reads again at once.
 */
export interface BenchmarkConsumer {
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** What a driver tells the report about the system under test. */
export interface DriverEnvironment {
  /** e.g. 'petrel 0.1.0', 'redis 7.0.15', 'nats-server 2.9.10'. */
  system: string;
  /** ASYNC_FLUSH / SYNC_FLUSH for Petrel; the appendfsync policy for Redis; etc. */
  flushMode: string;
  /** Transport or client library, e.g. 'tcp', 'ws', 'ioredis 6.0.0'. */
  client: string;
  /** The settings that matter for the comparison, as the system reports them. */
  brokerConfig: Record<string, string>;
}

export interface BenchmarkDriver {
  readonly name: string;
  /** Connects and reads the system's configuration; called once before anything else. */
  initialize(): Promise<void>;
  /** A prefix that makes this run's topics unique, so runs never read each other's data. */
  topicNamePrefix(): string;
  createTopic(topic: string, partitions: number): Promise<void>;
  createProducer(topic: string): Promise<BenchmarkProducer>;
  createConsumer(
    topic: string,
    subscriptionName: string,
    startAt: StartPosition,
    callback: ConsumerCallback,
  ): Promise<BenchmarkConsumer>;
  environment(): DriverEnvironment;
  close(): Promise<void>;
}

/** A driver YAML file: `name`, `driverClass` and driver-specific fields, as OMB does. */
export interface DriverConfig {
  name: string;
  driverClass: string;
  /** The driver-specific knobs, validated by the driver itself. */
  fields: Record<string, unknown>;
  /** Where the file was read from (for the report). */
  sourcePath: string;
}

export const KeyDistributor = {
  NO_KEY: 'NO_KEY',
  KEY_ROUND_ROBIN: 'KEY_ROUND_ROBIN',
  RANDOM_NANO: 'RANDOM_NANO',
} as const;
export type KeyDistributor = (typeof KeyDistributor)[keyof typeof KeyDistributor];

/**
 * An OMB workload file. Field names are OMB's (ecosystem.md §6.1); the `petrel*`-free extras
 * at the end are ours and documented in bench/load/README.md.
 */
export interface Workload {
  name: string;
  topics: number;
  partitionsPerTopic: number;
  keyDistributor: KeyDistributor;
  messageSize: number;
  useRandomizedPayloads: boolean;
  randomBytesRatio: number;
  randomizedPayloadPoolSize: number;
  payloadFile: string | undefined;
  subscriptionsPerTopic: number;
  producersPerTopic: number;
  consumerPerSubscription: number;
  /** msg/s across all producers; 0 = find the maximum sustainable rate. */
  producerRate: number;
  consumerBacklogSizeGB: number;
  backlogDrainRatio: number;
  testDurationMinutes: number;
  warmupDurationMinutes: number;
  /** Extension: backlog size as a message count (wins over consumerBacklogSizeGB when > 0). */
  consumerBacklogMessages: number;
  /** Extension: sends kept in flight across all producers (the open loop's safety bound). */
  maxOutstandingSends: number;
  /** Extension: RocketMQ tag count (tags `tag0..tagN-1` round robin; 0 = no tag). */
  tagCount: number;
}
