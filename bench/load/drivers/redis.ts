/**
 * Redis Streams driver (ioredis). A topic with N partitions is N streams `<topic>-<p>`.
 * Producers XADD (`payload` field) round robin over the partitions, one connection each, with
 * ioredis auto-pipelining by default so concurrent sends share writes, as a careful Redis user
 * would configure it. Consumers read with XREAD (every consumer sees every message) or with
 * XREADGROUP (consumers of one subscription compete; acked with XACK or NOACK). Paused, a
 * consumer issues no new read (a blocking read already sent still delivers).
 *
 * Store time is the millisecond timestamp of the entry id, which Redis assigns on append.
 */
import { Redis } from 'ioredis';
import type { BenchmarkConsumer, BenchmarkDriver, BenchmarkProducer, ConsumerCallback, DriverConfig, DriverEnvironment, StartPosition } from '../types.js';
import { nowUs, readStamp } from '../payload.js';
import { booleanField, checkKnownFields, choiceField, numberField, runSuffix, stringField } from './fields.js';

const KNOWN_FIELDS = [
  'redisHost', 'redisPort', 'redisUser', 'redisPass', 'enableAutoPipelining', 'consumerMode',
  'readCount', 'blockMs', 'ackMode',
] as const;

interface RedisSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  autoPipelining: boolean;
  consumerMode: 'xread' | 'xreadgroup';
  ackMode: 'xack' | 'noack';
  readCount: number;
  blockMs: number;
}

function settingsFrom(config: DriverConfig): RedisSettings {
  const f = config.fields;
  checkKnownFields(f, KNOWN_FIELDS, config.name);
  return {
    host: stringField(f, 'redisHost', '127.0.0.1'),
    port: numberField(f, 'redisPort', 6379),
    user: stringField(f, 'redisUser', ''),
    password: stringField(f, 'redisPass', ''),
    autoPipelining: booleanField(f, 'enableAutoPipelining', true),
    consumerMode: choiceField(f, 'consumerMode', ['xread', 'xreadgroup'] as const, 'xread'),
    ackMode: choiceField(f, 'ackMode', ['xack', 'noack'] as const, 'xack'),
    readCount: numberField(f, 'readCount', 1000),
    blockMs: numberField(f, 'blockMs', 500),
  };
}

type StreamEntry = [id: Buffer, fields: Buffer[]];
type StreamReply = Array<[key: Buffer, entries: StreamEntry[]]> | null;

/**
 * XREAD's reply is a list of [key, entries] pairs under RESP2 and a map under RESP3 (ioredis 6's
 * default), which arrives flattened as key, entries, key, entries.
 */
function streamPairs(reply: unknown): NonNullable<StreamReply> {
  if (reply === null || !Array.isArray(reply)) return [];
  if (reply.length > 0 && Buffer.isBuffer(reply[0])) {
    const pairs: NonNullable<StreamReply> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([reply[i] as Buffer, reply[i + 1] as StreamEntry[]]);
    return pairs;
  }
  return reply as NonNullable<StreamReply>;
}

class RedisProducer implements BenchmarkProducer {
  private partition = 0;
  constructor(private readonly client: Redis, private readonly streams: string[]) {}

  async send(payload: Buffer): Promise<void> {
    const stream = this.streams[this.partition]!;
    this.partition = this.partition + 1 === this.streams.length ? 0 : this.partition + 1;
    await this.client.xaddBuffer(stream, '*', 'payload', payload);
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

class RedisConsumer implements BenchmarkConsumer {
  private running = true;
  private paused = false;
  /** Settles when the consumer is resumed or closed (the loop waits on it while paused). */
  private wake: { promise: Promise<void>; release: () => void } | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly client: Redis,
    private readonly streams: string[],
    private readonly positions: string[],
    private readonly settings: RedisSettings,
    private readonly group: { name: string; consumer: string } | undefined,
    private readonly callback: ConsumerCallback,
  ) {
    this.done = this.loop();
  }

  private readArgs(): Array<string | number> {
    const { readCount, blockMs, ackMode } = this.settings;
    if (this.group === undefined) {
      return ['COUNT', readCount, 'BLOCK', blockMs, 'STREAMS', ...this.streams, ...this.positions];
    }
    const noAck = ackMode === 'noack' ? ['NOACK'] : [];
    return ['GROUP', this.group.name, this.group.consumer, 'COUNT', readCount, 'BLOCK', blockMs,
      ...noAck, 'STREAMS', ...this.streams, ...this.streams.map(() => '>')];
  }

  private async loop(): Promise<void> {
    const command = this.group === undefined ? 'XREAD' : 'XREADGROUP';
    while (this.running) {
      if (this.paused) {
        await this.wakeSignal();
        continue;
      }
      let reply: NonNullable<StreamReply>;
      try {
        reply = streamPairs(await this.client.callBuffer(command, this.readArgs()));
      } catch (error) {
        if (!this.running) return;
        throw error;
      }
      this.deliver(reply);
    }
  }

  private deliver(reply: NonNullable<StreamReply>): void {
    const receivedUs = nowUs(); // one clock read per XREAD reply (what the client got at once)
    for (const [key, entries] of reply) {
      const streamIndex = this.streams.indexOf(key.toString());
      const ids: Buffer[] = [];
      for (const [id, fields] of entries) {
        const payload = fields[1] ?? Buffer.alloc(0);
        const idText = id.toString();
        const storeMs = Number(idText.slice(0, idText.indexOf('-')));
        this.callback(payload.length, readStamp(payload), storeMs * 1000, receivedUs);
        ids.push(id);
      }
      const last = entries[entries.length - 1];
      if (last !== undefined && streamIndex >= 0) this.positions[streamIndex] = last[0].toString();
      if (this.group !== undefined && this.settings.ackMode === 'xack' && ids.length > 0) {
        void this.client.xack(key, this.group.name, ...ids);
      }
    }
  }

  private wakeSignal(): Promise<void> {
    if (this.wake === undefined) {
      let release = (): void => undefined;
      const promise = new Promise<void>((resolve) => { release = resolve; });
      this.wake = { promise, release };
    }
    return this.wake.promise;
  }

  private release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.release();
  }

  /** No new XREAD is issued; one blocked in the server still delivers what it gets. */
  async pause(): Promise<void> {
    this.paused = true;
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.release();
  }

  async close(): Promise<void> {
    this.running = false;
    this.release();
    this.client.disconnect();
    await this.done.catch(() => undefined);
  }
}

export class RedisStreamsDriver implements BenchmarkDriver {
  readonly name: string;
  private readonly settings: RedisSettings;
  private readonly clients: Redis[] = [];
  private readonly streamsByTopic = new Map<string, string[]>();
  private env: DriverEnvironment | undefined;

  constructor(config: DriverConfig) {
    this.name = config.name;
    this.settings = settingsFrom(config);
  }

  /** Consumers block in XREAD, so only producer connections auto-pipeline. */
  private connect(autoPipelining = false): Redis {
    const { host, port, user, password } = this.settings;
    const client = new Redis({
      host, port, enableAutoPipelining: autoPipelining, maxRetriesPerRequest: 0, lazyConnect: false,
      ...(user === '' ? {} : { username: user }), ...(password === '' ? {} : { password }),
    });
    this.clients.push(client);
    return client;
  }

  async initialize(): Promise<void> {
    const admin = this.connect();
    const info = await admin.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const config: Record<string, string> = {};
    for (const key of ['appendonly', 'appendfsync', 'save', 'maxmemory']) {
      const pair = (await admin.config('GET', key)) as string[];
      config[key] = pair[1] ?? '';
    }
    this.env = {
      system: `redis ${version}`,
      flushMode: config.appendonly === 'yes' ? `appendfsync ${config.appendfsync}` : 'no AOF',
      client: `ioredis (autoPipelining=${this.settings.autoPipelining}, ${this.settings.consumerMode})`,
      brokerConfig: config,
    };
  }

  topicNamePrefix(): string {
    return `test-topic-${runSuffix()}`;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    const streams = Array.from({ length: partitions }, (_, p) => `${topic}-${p}`);
    this.streamsByTopic.set(topic, streams);
  }

  private streamsOf(topic: string): string[] {
    const streams = this.streamsByTopic.get(topic);
    if (streams === undefined) throw new Error(`topic ${topic} was not created`);
    return streams;
  }

  async createProducer(topic: string): Promise<BenchmarkProducer> {
    return new RedisProducer(this.connect(this.settings.autoPipelining), this.streamsOf(topic));
  }

  async createConsumer(topic: string, subscription: string, startAt: StartPosition, callback: ConsumerCallback): Promise<BenchmarkConsumer> {
    const streams = this.streamsOf(topic);
    const client = this.connect();
    if (this.settings.consumerMode === 'xreadgroup') {
      for (const stream of streams) {
        try {
          await client.xgroup('CREATE', stream, subscription, startAt === 'earliest' ? '0' : '$', 'MKSTREAM');
        } catch (error) {
          if (!String(error).includes('BUSYGROUP')) throw error;
        }
      }
      const group = { name: subscription, consumer: `c-${runSuffix()}` };
      return new RedisConsumer(client, streams, [], this.settings, group, callback);
    }
    const positions: string[] = [];
    for (const stream of streams) {
      const last = startAt === 'latest' ? await client.xrevrange(stream, '+', '-', 'COUNT', 1) : [];
      positions.push(last[0]?.[0] ?? '0-0');
    }
    return new RedisConsumer(client, streams, positions, this.settings, undefined, callback);
  }

  environment(): DriverEnvironment {
    if (this.env === undefined) throw new Error('redis driver not initialized');
    return this.env;
  }

  async close(): Promise<void> {
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}
