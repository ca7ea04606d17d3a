import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../common/log.js';
import { keyedEntries, parseFastjson, isJsonObject } from '../protocol/fastjson.js';
import { type MessageQueue, queueKey } from './message-queue.js';

/**
 * Consume progress (reference §5.3). The committed value is the next offset to consume.
 * Clustering: `RemoteBrokerOffsetStore` keeps offsets in memory and commits them to the broker
 * (UPDATE_CONSUMER_OFFSET every 5 s, piggy-backed on pulls, and on shutdown). Broadcasting:
 * `LocalFileOffsetStore` keeps them in
 * `~/.rocketmq_offsets/<clientId>/<group>/offsets.json` as
 * `{"offsetTable":{{"brokerName":..,"queueId":..,"topic":..}:offset}}` (fastjson's object-key
 * form, which the Java client reads and writes).
 */
export const ReadOffsetType = {
  MEMORY: 'MEMORY',
  STORE: 'STORE',
  MEMORY_FIRST_THEN_STORE: 'MEMORY_FIRST_THEN_STORE',
} as const;
export type ReadOffsetType = (typeof ReadOffsetType)[keyof typeof ReadOffsetType];

/** readOffset results besides a real offset. */
export const OFFSET_NONE = -1;
export const OFFSET_ERROR = -2;

export interface OffsetStore {
  load(): Promise<void>;
  /** Records progress; with `increaseOnly` a smaller value never overwrites a larger one. */
  updateOffset(queue: MessageQueue, queueOffset: number, increaseOnly: boolean): void;
  /** The offset, OFFSET_NONE when there is none, OFFSET_ERROR when the store could not be asked. */
  readOffset(queue: MessageQueue, type: ReadOffsetType): Promise<number>;
  persistAll(queues: readonly MessageQueue[]): Promise<void>;
  removeOffset(queue: MessageQueue): void;
  /** The in-memory offsets (for pull piggy-backing and tests). */
  memoryOffset(queue: MessageQueue): number;
}

class MemoryOffsets {
  readonly table = new Map<string, { queue: MessageQueue; queueOffset: number }>();

  update(queue: MessageQueue, queueOffset: number, increaseOnly: boolean): void {
    const key = queueKey(queue);
    const entry = this.table.get(key);
    if (entry === undefined) this.table.set(key, { queue, queueOffset });
    else if (!increaseOnly || queueOffset > entry.queueOffset) entry.queueOffset = queueOffset;
  }

  get(queue: MessageQueue): number {
    return this.table.get(queueKey(queue))?.queueOffset ?? OFFSET_NONE;
  }
}

/** What the remote store needs from the client API. */
export interface BrokerOffsetApi {
  /** The broker's committed offset; OFFSET_NONE when it has none (any non-success code). Throws on transport errors. */
  queryOffset(queue: MessageQueue): Promise<number>;
  /** Commits an offset (oneway is fine). */
  commitOffset(queue: MessageQueue, queueOffset: number): Promise<void>;
}

export class RemoteBrokerOffsetStore implements OffsetStore {
  private readonly memory = new MemoryOffsets();

  constructor(private readonly api: BrokerOffsetApi, private readonly logger: Logger) {}

  async load(): Promise<void> {}

  updateOffset(queue: MessageQueue, queueOffset: number, increaseOnly: boolean): void {
    this.memory.update(queue, queueOffset, increaseOnly);
  }

  memoryOffset(queue: MessageQueue): number {
    return this.memory.get(queue);
  }

  async readOffset(queue: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== ReadOffsetType.STORE) {
      const inMemory = this.memory.get(queue);
      if (inMemory >= 0 || type === ReadOffsetType.MEMORY) return inMemory;
    }
    try {
      const queueOffset = await this.api.queryOffset(queue);
      if (queueOffset >= 0) this.memory.update(queue, queueOffset, false);
      return queueOffset;
    } catch (error) {
      this.logger.warn({ err: error, queue }, 'QUERY_CONSUMER_OFFSET failed');
      return OFFSET_ERROR;
    }
  }

  async persistAll(queues: readonly MessageQueue[]): Promise<void> {
    const wanted = new Set(queues.map(queueKey));
    const commits: Array<Promise<void>> = [];
    for (const [key, entry] of this.memory.table) {
      if (!wanted.has(key) || entry.queueOffset < 0) continue;
      commits.push(this.api.commitOffset(entry.queue, entry.queueOffset).catch((error: unknown) => {
        this.logger.warn({ err: error, queue: entry.queue }, 'UPDATE_CONSUMER_OFFSET failed');
      }));
    }
    await Promise.all(commits);
  }

  removeOffset(queue: MessageQueue): void {
    this.memory.table.delete(queueKey(queue));
  }
}

export function defaultLocalOffsetPath(clientId: string, group: string, baseDir?: string): string {
  const root = baseDir ?? process.env['ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR'] ?? join(homedir(), '.rocketmq_offsets');
  return join(root, clientId.replace(/[^A-Za-z0-9@#._-]/g, '_'), group, 'offsets.json');
}

export class LocalFileOffsetStore implements OffsetStore {
  private readonly memory = new MemoryOffsets();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly filePath: string, private readonly logger: Logger) {}

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch {
      return;
    }
    try {
      const root = parseFastjson(text);
      if (!isJsonObject(root)) return;
      for (const [key, value] of keyedEntries(root['offsetTable'])) {
        if (!isJsonObject(key) || typeof value !== 'number') continue;
        const { topic, brokerName, queueId } = key;
        if (typeof topic !== 'string' || typeof brokerName !== 'string' || typeof queueId !== 'number') continue;
        this.memory.update({ topic, brokerName, queueId }, value, false);
      }
    } catch (error) {
      this.logger.warn({ err: error, file: this.filePath }, 'local offset file unreadable; starting empty');
    }
  }

  updateOffset(queue: MessageQueue, queueOffset: number, increaseOnly: boolean): void {
    this.memory.update(queue, queueOffset, increaseOnly);
  }

  memoryOffset(queue: MessageQueue): number {
    return this.memory.get(queue);
  }

  async readOffset(queue: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type === ReadOffsetType.STORE) await this.load();
    return this.memory.get(queue);
  }

  /** Writes every known offset (the file holds all queues, as Java's does). */
  async persistAll(_queues: readonly MessageQueue[]): Promise<void> {
    const entries = [...this.memory.table.values()].map(
      ({ queue, queueOffset }) =>
        `${JSON.stringify({ brokerName: queue.brokerName, queueId: queue.queueId, topic: queue.topic })}:${queueOffset}`,
    );
    const text = `{"offsetTable":{${entries.join(',')}}}`;
    this.writing = this.writing.then(() => this.write(text));
    await this.writing;
  }

  removeOffset(queue: MessageQueue): void {
    this.memory.table.delete(queueKey(queue));
  }

  private async write(text: string): Promise<void> {
    try {
      await mkdir(dirname(this.filePath), { recursive: true });
      const temporary = `${this.filePath}.tmp`;
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, this.filePath);
    } catch (error) {
      this.logger.warn({ err: error, file: this.filePath }, 'local offset file write failed');
    }
  }
}
