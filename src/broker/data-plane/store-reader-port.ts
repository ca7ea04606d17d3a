import type { GetMessagesResult as StoreGetMessagesResult, MessageFilter, QueryByKeyResult as StoreQueryByKeyResult } from '../../store/types.js';
import type { GetMessagesQuery, GetMessagesResult, MessageReader, QueryByKeyResult } from './ports.js';
import { assert } from '../../common/assert.js';
import { compileSql92Cached, sql92RecordMatcher } from '../../filter/record-filter.js';
import { PULL_BODY_BYTES_MAX } from './bounds.js';

/**
 * The store's synchronous read side as src/store/README.md documents `StoreReader` (structural,
 * so this module does not depend on the store's classes), and `DirectReader`, the MessageReader
 * that calls it on the current thread: the single-thread broker path and the offsets-only part
 * of the pooled reader. Max-offset changes come from the store's shared change sequence
 * (Atomics.waitAsync underneath), watched by one loop per reader while anyone listens.
 */
export interface StoreReaderLike {
  getMessages(topic: string, queueId: number, queueOffset: number, maxCount: number, maxBytes: number,
    filter?: MessageFilter, target?: Buffer): StoreGetMessagesResult;
  readRecord(physicalOffset: number): Buffer | null;
  queryByKey(topic: string, key: string, maxCount: number, beginMs: number, endMs: number): StoreQueryByKeyResult;
  offsetByTimestamp(topic: string, queueId: number, timestampMs: number): number;
  earliestStoreTime(topic: string, queueId: number): number;
  minOffset(topic: string, queueId: number): number;
  maxOffset(topic: string, queueId: number): number;
  changeSequence(): number;
  waitForChange(seenSequence: number, timeoutMs: number): Promise<boolean>;
}

/** How long one wait for a store change lasts before the watch loop re-checks it should run. */
const CHANGE_WAIT_MS = 1000;

/** A tag filter on consume-queue tagsCodes for the store's read path; undefined keeps all. */
export function tagFilterOf(tagCodes: readonly number[] | null): MessageFilter | undefined {
  if (tagCodes === null) return undefined;
  const codes = new Set(tagCodes);
  return { matchTagsCode: (tagsCode) => codes.has(tagsCode) };
}

/**
 * The pull's filter: tag codes on consume-queue entries and/or a SQL92 expression on each
 * record's properties (compiled once per thread through src/filter's cache).
 */
export function messageFilterOf(query: Pick<GetMessagesQuery, 'tagCodes' | 'sql92Expression'>): MessageFilter | undefined {
  const tagFilter = tagFilterOf(query.tagCodes);
  if (query.sql92Expression === undefined) return tagFilter;
  const compiled = compileSql92Cached(query.sql92Expression);
  assert(compiled.ok, 'the pull handler passes only SQL92 expressions that compile');
  return { ...tagFilter, matchRecord: sql92RecordMatcher(compiled.filter) };
}

/**
 * Runs a pull against a synchronous reader (also what a dispatch worker does inside its task);
 * with `target` (a shared body slot) the body is assembled there when it fits.
 */
export function getMessagesFrom(reader: StoreReaderLike, query: GetMessagesQuery, target?: Buffer): GetMessagesResult {
  const result = reader.getMessages(query.topic, query.queueId, query.queueOffset, query.maxCount,
    query.maxBytes ?? PULL_BODY_BYTES_MAX, messageFilterOf(query), target);
  return {
    status: result.status,
    body: result.messageCount === 0 ? null : result.body,
    messageCount: result.messageCount,
    nextBeginOffset: result.nextBeginOffset,
    minOffset: result.minOffset,
    maxOffset: result.maxOffset,
  };
}

export function queryByKeyFrom(
  reader: StoreReaderLike, topic: string, key: string, maxCount: number, beginMs: number, endMs: number,
): QueryByKeyResult {
  const result = reader.queryByKey(topic, key, maxCount, beginMs, endMs);
  return {
    body: result.messageCount === 0 ? null : result.body,
    messageCount: result.messageCount,
    indexLastUpdateTimestamp: result.indexLastUpdateTimestamp,
    indexLastUpdatePhyoffset: result.indexLastUpdatePhyoffset,
  };
}

/** Watches the store's change sequence and calls listeners once per observed change. */
export class StoreChangeWatch {
  private readonly listeners = new Set<() => void>();
  private running = false;

  constructor(private readonly reader: Pick<StoreReaderLike, 'changeSequence' | 'waitForChange'>) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.running) void this.loop();
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async loop(): Promise<void> {
    this.running = true;
    let seen = this.reader.changeSequence();
    while (this.listeners.size > 0) {
      await this.reader.waitForChange(seen, CHANGE_WAIT_MS);
      const current = this.reader.changeSequence();
      if (current === seen) continue;
      seen = current;
      for (const listener of this.listeners) listener();
    }
    this.running = false;
  }
}

/** MessageReader over a synchronous StoreReader on this thread. */
export class DirectReader implements MessageReader {
  private readonly watch: StoreChangeWatch;

  constructor(private readonly reader: StoreReaderLike) {
    this.watch = new StoreChangeWatch(reader);
  }

  async getMessages(query: GetMessagesQuery): Promise<GetMessagesResult> {
    return getMessagesFrom(this.reader, query);
  }

  async readRecord(physicalOffset: number): Promise<Buffer | null> {
    return this.reader.readRecord(physicalOffset);
  }

  async queryByKey(topic: string, key: string, maxCount: number, beginMs: number, endMs: number): Promise<QueryByKeyResult> {
    return queryByKeyFrom(this.reader, topic, key, maxCount, beginMs, endMs);
  }

  async offsetByTimestamp(topic: string, queueId: number, timestampMs: number): Promise<number> {
    return this.reader.offsetByTimestamp(topic, queueId, timestampMs);
  }

  async earliestStoreTime(topic: string, queueId: number): Promise<number> {
    return this.reader.earliestStoreTime(topic, queueId);
  }

  minOffset(topic: string, queueId: number): number {
    return this.reader.minOffset(topic, queueId);
  }

  maxOffset(topic: string, queueId: number): number {
    return this.reader.maxOffset(topic, queueId);
  }

  onMaxOffsetChange(listener: () => void): () => void {
    return this.watch.subscribe(listener);
  }
}
