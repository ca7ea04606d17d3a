import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { BLANK_RECORD_BYTES, RecordPosition } from '../protocol/record-layout.js';
import { CommitLogFiles, writeBlank } from './commit-log.js';
import type { StoreLayout } from './config.js';
import { CQ_ENTRY_BYTES, QueueGeometry, WriteFdPool, queueDir, writeEntry } from './consume-queue.js';
import type { FileIo } from './file-io.js';
import { IndexWriter, indexKeyHash, scanIndexKeyHashes, topicHashPrefix } from './index-file.js';
import {
  encodeStoreHost, isTransactionSkipped, readI32, stampRecord, topicLengthPosition,
} from './record-access.js';
import { Big, Health, type SharedState, Word } from './shared-state.js';
import type { TailCache } from './tail-cache.js';

/**
 * The single-writer engine (runs in the store worker; tests drive it directly, without threads).
 * A batch is built with `beginBatch` + `add` (records are copied into one preallocated buffer and
 * stamped there) and made visible with `commitBatch`: one positional write per segment run, the
 * tail-cache copy, one write per touched consume queue, the index entries, then the shared max
 * offsets. Nothing is published before its bytes are in the page cache.
 *
 * Durability contract: after `commitBatch` returns true the batch is in the page cache and
 * readable; it is durable once the flusher's FLUSHED_PHYSICAL passes its end.
 */
export const AddCode = {
  /** The batch buffer is full: commit, then add again. */
  BATCH_FULL: -1,
  NOT_WRITABLE: -2,
  TOO_LARGE: -3,
} as const;

export interface QueueState {
  readonly slot: number;
  readonly topic: string;
  readonly queueId: number;
  readonly dir: string;
  readonly hashPrefix: number;
  nextQueueOffset: number;
  minQueueOffset: number;
  staged: Buffer;
  stagedCount: number;
  stagedFirst: number;
  dirReady: boolean;
}

interface Run {
  physicalOffset: number;
  /** Where the run's bytes sit in the batch buffer (batch-buffer mode only). */
  batchStart: number;
  length: number;
  /** An end-of-segment blank: written from its own 8 bytes, never merged with another run. */
  blank: boolean;
}

const BLANK_SOURCE = Buffer.alloc(BLANK_RECORD_BYTES);

/** Tail mode needs room for two batches, each able to take at least two largest appends. */
export function usesTailMode(layout: StoreLayout): boolean {
  return layout.tailCacheBytes >= 4 * (layout.appendBytesMax + BLANK_RECORD_BYTES);
}

/**
 * Whether the commit-log pwrite runs on the committer thread (committer.ts): opt-in
 * (`transientStorePoolEnable`, RocketMQ's commit-thread switch, also ASYNC_FLUSH only), in tail
 * mode. Off by default: on 2 vCPUs it took 10-30 % off the store worker but added 5-10 % CPU
 * per message in total (docs/benchmarks.md, H17); SYNC_FLUSH keeps the write in the worker (a
 * group commit would wait for one more thread).
 */
export function usesCommitter(layout: StoreLayout): boolean {
  return layout.committerThread && !layout.syncFlush && usesTailMode(layout);
}

export class StoreWriter {
  readonly commitLog: CommitLogFiles;
  readonly geometry: QueueGeometry;
  readonly cqFds: WriteFdPool;
  readonly index: IndexWriter | null;
  /** Batch-buffer mode only (a tail cache too small to hold a batch); empty in tail mode. */
  private readonly batch: Buffer;
  /**
   * Tail mode: records are stamped in place in the request ring, copied once into the tail
   * cache, and the commit log is written from the tail cache (no batch buffer). Chosen when the
   * tail cache holds two batches of two largest appends each (always with the default sizes).
   */
  readonly tailMode: boolean;
  /** Largest commit-log span one batch may cover (tail mode: half the tail cache at most). */
  private readonly batchSpanMax: number;
  private readonly storeHost: Buffer;
  private readonly queues = new Map<string, QueueState[]>();
  private readonly touched: QueueState[] = [];
  private readonly runs: Run[] = [];
  private readonly cqTouchedPaths = new Set<string>();
  private batchPosition = 0;
  private batchStoreTimestampMs = 0;
  private batchMessageCount = 0;
  private batchStartPhysical = 0;
  /** Commit-log end including the batch being built. */
  private writePhysical = 0;
  /** Commit-log end published to readers. */
  private publishedPhysical = 0;
  /** Queue offset of the first record of the last successful `add`. */
  lastQueueOffset = 0;
  private writable = true;
  private lastTopicBytes: Buffer = Buffer.alloc(0);
  private lastTopicQueues: QueueState[] | undefined = undefined;

  /**
   * The committer thread writes the commit log from the tail cache (`usesCommitter`); this
   * writer then only fills the tail cache, zero-fills the gap after a segment's blank there, and
   * waits before overwriting bytes the committer has not written (`waitWritten`).
   */
  readonly committer: boolean;

  constructor(
    readonly layout: StoreLayout,
    readonly io: FileIo,
    readonly shared: SharedState,
    readonly tail: TailCache,
    indexSlots: Int32Array | null,
    options: { committer?: boolean } = {},
  ) {
    this.commitLog = new CommitLogFiles(io, layout.commitLogDir, layout.segmentBytes);
    this.geometry = new QueueGeometry(layout.cqFileBytes);
    this.cqFds = new WriteFdPool(io, layout.cqFileBytes);
    assert(tail.sizeBytes === layout.tailCacheBytes, 'tail cache size must match the layout');
    this.tailMode = usesTailMode(layout);
    this.committer = options.committer === true;
    assert(!this.committer || usesCommitter(layout), 'the committer needs ASYNC_FLUSH and tail mode');
    if (this.committer) tail.beforeOverwrite = (tailStart) => this.waitWritten(tailStart);
    this.batchSpanMax = Math.min(layout.batchBufferBytes, tail.sizeBytes / 2);
    this.batch = this.tailMode ? Buffer.alloc(0) : Buffer.alloc(layout.batchBufferBytes);
    this.batch.fill(0);
    tail.prefault();
    this.storeHost = encodeStoreHost(layout.storeHostIp, layout.storeHostPort);
    this.index = layout.indexEnabled && indexSlots !== null
      ? new IndexWriter(io, layout.indexDir, indexSlots, layout.indexEntryCountMax, 65_536, (name) => this.indexFileChanged(name))
      : null;
  }

  get endPhysicalOffset(): number {
    return this.publishedPhysical;
  }

  /** Recovery sets where the log ends; everything below is published. */
  setEnd(physicalOffset: number): void {
    this.writePhysical = physicalOffset;
    this.publishedPhysical = physicalOffset;
    this.shared.store(Big.WRITTEN_PHYSICAL, physicalOffset);
    this.shared.store(Big.MAX_PHYSICAL, physicalOffset);
    this.tail.reset(physicalOffset);
  }

  /** The queue for (topic, queueId), created (slot assigned) on first use; null when slots run out. */
  queue(topic: string, queueId: number, create = true): QueueState | null {
    let byId = this.queues.get(topic);
    const existing = byId?.[queueId];
    if (existing !== undefined) return existing;
    if (!create || this.shared.slotCount() >= this.shared.slotsMax) return null;
    const slot = this.shared.slotCount();
    this.shared.assignSlot(slot, topic, queueId, 0, 0);
    const state: QueueState = {
      slot,
      topic,
      queueId,
      dir: queueDir(this.layout.consumeQueueDir, topic, queueId),
      hashPrefix: topicHashPrefix(topic),
      nextQueueOffset: 0,
      minQueueOffset: 0,
      staged: Buffer.alloc(64 * CQ_ENTRY_BYTES),
      stagedCount: 0,
      stagedFirst: 0,
      dirReady: false,
    };
    if (byId === undefined) {
      byId = [];
      this.queues.set(topic, byId);
    }
    byId[queueId] = state;
    return state;
  }

  /** Recovery: a queue found on disk with its bounds. */
  loadQueue(topic: string, queueId: number, minQueueOffset: number, maxQueueOffset: number): QueueState | null {
    const state = this.queue(topic, queueId);
    if (state === null) return null;
    state.minQueueOffset = minQueueOffset;
    state.nextQueueOffset = maxQueueOffset;
    state.dirReady = true;
    this.shared.publishQueueMin(state.slot, minQueueOffset);
    this.shared.publishQueue(state.slot, maxQueueOffset);
    return state;
  }

  allQueues(): QueueState[] {
    const all: QueueState[] = [];
    for (const byId of this.queues.values()) for (const state of byId) if (state !== undefined) all.push(state);
    return all;
  }

  beginBatch(storeTimestampMs: number): void {
    assert(this.batchPosition === 0 && this.runs.length === 0, 'previous batch not committed');
    this.writable = (this.shared.health() & (Health.NOT_WRITABLE | Health.DISK_FULL)) === 0;
    this.batchStoreTimestampMs = storeTimestampMs;
    this.batchStartPhysical = this.writePhysical;
    this.batchMessageCount = 0;
  }

  get batchBytes(): number {
    return this.batchPosition;
  }

  /**
   * Adds one append (records of one queue back to back at `source[start..start+bytes)`).
   * Returns the first record's physical offset (>= 0; `lastQueueOffset` holds its queue offset)
   * or an AddCode. The records are stamped in place in `source` (the caller's ring entry,
   * owned by the worker until released), then copied once (tail cache, or the batch buffer).
   *
   * `keyHashes[keyIndex...]`, when `keyIndex >= 0`: the records' index-key hashes computed by
   * the producer (per record: the key count, then the hashes; see `indexKeyHashesOf`), so the
   * worker does not parse properties. `keyIndex < 0`: the worker hashes UNIQ_KEY and KEYS itself.
   */
  add(
    source: Buffer, start: number, bytes: number, count: number, tagsCodes: Float64Array, tagsIndex: number,
    keyHashes: Int32Array | null = null, keyIndex = -1,
  ): number {
    if (!this.writable) return AddCode.NOT_WRITABLE;
    if (bytes > this.layout.appendBytesMax) return AddCode.TOO_LARGE;
    if (!this.fits(bytes)) return AddCode.BATCH_FULL;
    const state = this.queueOfRecord(source, start);
    if (state === null) return AddCode.NOT_WRITABLE;
    this.rollIfNeeded(bytes);
    const physicalOffset = this.writePhysical;
    this.lastQueueOffset = this.stampAll(state, source, start, bytes, count, tagsCodes, tagsIndex, physicalOffset, keyHashes, keyIndex);
    if (this.tailMode) {
      this.tail.write(physicalOffset, source, start, bytes);
    } else {
      this.batch.set(new Uint8Array(source.buffer, source.byteOffset + start, bytes), this.batchPosition);
    }
    this.extendRun(physicalOffset, bytes, false);
    return physicalOffset;
  }

  /** Whether `bytes` more (and a blank, and a skip to the next segment) fit this batch. */
  private fits(bytes: number): boolean {
    if (!this.tailMode) return this.batchPosition + bytes + BLANK_RECORD_BYTES <= this.batch.length;
    if (this.batchPosition === 0) return true;
    const segmentBytes = this.layout.segmentBytes;
    const position = this.writePhysical % segmentBytes;
    const skipBytes = position + bytes + BLANK_RECORD_BYTES > segmentBytes ? segmentBytes - position : 0;
    return this.writePhysical + skipBytes + bytes - this.batchStartPhysical <= this.batchSpanMax;
  }

  /**
   * The queue of the record at `start`. Hot path: most appends name the same topic as the one
   * before, so the topic bytes are compared with the last topic's before any string is decoded.
   */
  private queueOfRecord(source: Buffer, start: number): QueueState | null {
    const topicLengthAt = topicLengthPosition(source, start);
    const topicLength = source[topicLengthAt] as number;
    const queueId = readI32(source, start + RecordPosition.QUEUE_ID);
    const cached = this.lastTopicBytes;
    let same = cached.length === topicLength;
    for (let i = 0; same && i < topicLength; i++) same = cached[i] === source[topicLengthAt + 1 + i];
    if (same && this.lastTopicQueues !== undefined) {
      const state = this.lastTopicQueues[queueId];
      if (state !== undefined) return state;
    }
    const topic = source.toString('utf8', topicLengthAt + 1, topicLengthAt + 1 + topicLength);
    const state = this.queue(topic, queueId);
    this.lastTopicBytes = Buffer.from(source.subarray(topicLengthAt + 1, topicLengthAt + 1 + topicLength));
    this.lastTopicQueues = this.queues.get(topic);
    return state;
  }

  private stampAll(
    state: QueueState, source: Buffer, start: number, bytes: number, count: number,
    tagsCodes: Float64Array, tagsIndex: number, physicalOffset: number, keyHashes: Int32Array | null, keyIndex: number,
  ): number {
    let position = start;
    let firstQueueOffset = -1;
    let keyAt = keyIndex;
    for (let i = 0; i < count; i++) {
      const size = readI32(source, position);
      const sysFlag = readI32(source, position + RecordPosition.SYS_FLAG);
      assert(readI32(source, position + RecordPosition.QUEUE_ID) === state.queueId, 'one queue per append');
      const recordPhysical = physicalOffset + (position - start);
      const skipped = isTransactionSkipped(sysFlag);
      const queueOffset = skipped ? 0 : state.nextQueueOffset++;
      if (firstQueueOffset < 0) firstQueueOffset = queueOffset;
      stampRecord(source, position, queueOffset, recordPhysical, this.batchStoreTimestampMs, this.storeHost);
      if (!skipped) this.stageEntry(state, queueOffset, recordPhysical, size, tagsCodes[tagsIndex + i] as number);
      const indexed = this.index !== null && (sysFlag & 0xc) !== 0xc;
      if (keyAt >= 0 && keyHashes !== null) {
        const keyCount = keyHashes[keyAt] as number;
        if (indexed) this.indexHashes(keyHashes, keyAt + 1, keyCount, recordPhysical);
        keyAt += 1 + keyCount;
      } else if (indexed) {
        this.indexRecord(state, source, position, recordPhysical);
      }
      position += size;
    }
    assert(position === start + bytes, 'record sizes must add up to the append size');
    this.batchMessageCount += count;
    return firstQueueOffset;
  }

  private stageEntry(state: QueueState, queueOffset: number, physicalOffset: number, size: number, tagsCode: number): void {
    if (state.stagedCount === 0) {
      state.stagedFirst = queueOffset;
      this.touched.push(state);
    }
    assert(queueOffset === state.stagedFirst + state.stagedCount, 'staged entries are consecutive');
    if ((state.stagedCount + 1) * CQ_ENTRY_BYTES > state.staged.length) {
      const grown = Buffer.alloc(state.staged.length * 2);
      state.staged.copy(grown);
      state.staged = grown;
    }
    writeEntry(state.staged, state.stagedCount * CQ_ENTRY_BYTES, physicalOffset, size, tagsCode);
    state.stagedCount++;
  }

  private indexHashes(keyHashes: Int32Array, first: number, keyCount: number, physicalOffset: number): void {
    if (keyCount === 0) return;
    this.indexPhysical = physicalOffset;
    this.indexTimestampMs = this.batchStoreTimestampMs;
    for (let k = 0; k < keyCount; k++) this.indexSink(keyHashes[first + k] as number);
  }

  private indexRecord(state: QueueState, batch: Buffer, position: number, physicalOffset: number): void {
    const topicLengthAt = topicLengthPosition(batch, position);
    const propertiesLengthAt = topicLengthAt + 1 + (batch[topicLengthAt] as number);
    const propertiesLength = ((batch[propertiesLengthAt] as number) << 8) | (batch[propertiesLengthAt + 1] as number);
    if (propertiesLength === 0) return;
    this.indexPhysical = physicalOffset;
    this.indexTimestampMs = this.batchStoreTimestampMs;
    const start = propertiesLengthAt + 2;
    scanIndexKeyHashes(batch, start, start + propertiesLength, state.hashPrefix, this.indexSink);
  }

  private indexPhysical = 0;
  private indexTimestampMs = 0;

  private readonly indexSink = (keyHash: number): void => {
    const index = this.index as IndexWriter;
    if (index.isFull()) index.roll(this.indexTimestampMs);
    if (index.stagedFull()) index.flushStaged();
    index.put(keyHash, this.indexPhysical, this.indexTimestampMs);
  };

  /** Also used by recovery to re-index records. */
  putIndexKeys(hashPrefix: number, keys: readonly string[], physicalOffset: number, storeTimestampMs: number): void {
    const index = this.index;
    if (index === null) return;
    for (const key of keys) {
      if (index.isFull()) index.roll(storeTimestampMs);
      if (index.stagedFull()) index.flushStaged();
      index.put(indexKeyHash(hashPrefix, key), physicalOffset, storeTimestampMs);
    }
  }

  /** Ends the segment with a blank and moves to the next one when `bytes` do not fit. */
  private rollIfNeeded(bytes: number): void {
    const segmentBytes = this.layout.segmentBytes;
    const position = this.writePhysical % segmentBytes;
    if (position + bytes + BLANK_RECORD_BYTES <= segmentBytes) return;
    const bytesLeft = segmentBytes - position;
    if (this.tailMode) {
      writeBlank(BLANK_SOURCE, 0, bytesLeft);
      this.tail.write(this.writePhysical, BLANK_SOURCE, 0, BLANK_RECORD_BYTES);
      // The committer writes segments from the tail cache byte for byte: the gap must hold zeros.
      if (this.committer) this.tail.zero(this.writePhysical + BLANK_RECORD_BYTES, bytesLeft - BLANK_RECORD_BYTES);
    } else {
      writeBlank(this.batch, this.batchPosition, bytesLeft);
    }
    this.extendRun(this.writePhysical, BLANK_RECORD_BYTES, true);
    this.writePhysical += bytesLeft - BLANK_RECORD_BYTES;
  }

  private extendRun(physicalOffset: number, bytes: number, blank: boolean): void {
    const last = this.runs[this.runs.length - 1];
    if (!blank && last !== undefined && !last.blank && last.physicalOffset + last.length === physicalOffset) {
      last.length += bytes;
    } else {
      this.runs.push({ physicalOffset, batchStart: this.batchPosition, length: bytes, blank });
    }
    this.batchPosition += bytes;
    this.writePhysical = physicalOffset + bytes;
  }

  /**
   * Writes and publishes the batch. Returns false (and marks the store not writable) when a
   * file write failed; the batch is then not published and its offsets are reused by nobody.
   */
  commitBatch(): boolean {
    if (this.batchPosition === 0) return true;
    try {
      if (this.committer) {
        // committer.ts writes [WRITTEN_PHYSICAL, MAX_PHYSICAL) from the tail cache
      } else if (this.tailMode) {
        for (const run of this.runs) this.writeRunFromTail(run);
      } else {
        for (const run of this.runs) this.commitLog.writeRun(run.physicalOffset, this.batch, run.batchStart, run.length);
        for (const run of this.runs) this.tail.write(run.physicalOffset, this.batch, run.batchStart, run.length);
      }
      for (const state of this.touched) this.writeStaged(state);
      this.index?.flushStaged();
    } catch (error) {
      this.failBatch(error);
      return false;
    }
    this.publish();
    return true;
  }

  /** Tail mode: the run's bytes are in the tail cache (two pieces when it wraps there). */
  private writeRunFromTail(run: Run): void {
    if (run.blank) {
      writeBlank(BLANK_SOURCE, 0, this.layout.segmentBytes - (run.physicalOffset % this.layout.segmentBytes));
      this.commitLog.writeRun(run.physicalOffset, BLANK_SOURCE, 0, BLANK_RECORD_BYTES);
      return;
    }
    const tailBytes = this.tail.writerBytes;
    const index = run.physicalOffset % tailBytes.length;
    const firstPart = Math.min(run.length, tailBytes.length - index);
    this.commitLog.writeRun(run.physicalOffset, tailBytes, index, firstPart);
    if (firstPart < run.length) this.commitLog.writeRun(run.physicalOffset + firstPart, tailBytes, 0, run.length - firstPart);
  }

  private writeStaged(state: QueueState): void {
    if (state.stagedCount === 0) return;
    if (!state.dirReady) {
      this.io.mkdir(state.dir);
      state.dirReady = true;
    }
    const paths = this.geometry.writeEntries(this.io, this.cqFds, state.dir, state.staged, state.stagedFirst, state.stagedCount);
    for (const path of paths) this.cqTouchedPaths.add(path);
  }

  /**
   * Recovery: re-writes the consume-queue entry of a scanned record (idempotent). Entries are
   * staged per queue and written in runs; `finishRedispatch` writes the rest.
   */
  redispatch(state: QueueState, queueOffset: number, physicalOffset: number, size: number, tagsCode: number): void {
    if (state.stagedCount > 0 && queueOffset !== state.stagedFirst + state.stagedCount) {
      this.writeStaged(state);
      state.stagedCount = 0;
      this.touched.splice(this.touched.indexOf(state), 1);
    }
    this.stageEntry(state, queueOffset, physicalOffset, size, tagsCode);
    if (queueOffset + 1 > state.nextQueueOffset) state.nextQueueOffset = queueOffset + 1;
    if (state.stagedCount >= 4096) {
      this.writeStaged(state);
      state.stagedCount = 0;
      this.touched.splice(this.touched.indexOf(state), 1);
    }
  }

  finishRedispatch(): void {
    for (const state of this.touched) {
      this.writeStaged(state);
      state.stagedCount = 0;
      this.shared.publishQueue(state.slot, state.nextQueueOffset);
    }
    this.touched.length = 0;
    this.index?.flushStaged();
  }

  private publish(): void {
    this.publishedPhysical = this.writePhysical;
    if (!this.committer) this.shared.store(Big.WRITTEN_PHYSICAL, this.publishedPhysical);
    // The commit-log end moves before any queue offset: a reader that sees a new queue entry
    // must also see the bytes it points at (in the tail cache, or in the file: the tail cache
    // keeps every byte the committer has not written, see `waitWritten`).
    this.shared.store(Big.MAX_PHYSICAL, this.publishedPhysical);
    for (const state of this.touched) {
      this.shared.publishQueue(state.slot, state.nextQueueOffset);
      state.stagedCount = 0;
    }
    this.touched.length = 0;
    this.shared.add(Big.PUT_MESSAGES, this.batchMessageCount);
    this.shared.add(Big.PUT_BYTES, this.batchPosition);
    this.shared.add(Big.BATCHES, 1);
    this.shared.store(Big.LAST_STORE_TIMESTAMP, this.batchStoreTimestampMs);
    this.publishIndexState();
    this.resetBatch();
    this.shared.announceChange();
  }

  private indexFileChanged(name: string): void {
    this.shared.store(Big.INDEX_NAME_HIGH, Number(name.slice(0, 9)));
    this.shared.store(Big.INDEX_NAME_LOW, Number(name.slice(9)));
    Atomics.store(this.shared.words, Word.INDEX_COUNT, 1);
    Atomics.add(this.shared.words, Word.INDEX_GENERATION, 1);
  }

  publishIndexState(): void {
    const index = this.index;
    if (index === null) return;
    Atomics.store(this.shared.words, Word.INDEX_COUNT, index.indexCount);
    this.shared.store(Big.INDEX_END_PHYSICAL, index.endPhyOffset);
    this.shared.store(Big.INDEX_END_TIMESTAMP, index.endTimestamp);
    this.shared.store(Big.INDEX_BEGIN_TIMESTAMP, index.beginTimestamp);
  }

  /**
   * Committer mode, before tail-cache bytes below `tailStart` are overwritten: waits until the
   * committer has written them, and half the cache beyond (bounded by what is published), so a
   * reader that falls back to the file for a range starting below the tail start finds it
   * written. Never waits in practice with the default 128 MiB cache and 512 KiB batches. Gives
   * up when the committer failed (the store is then not writable; nothing more is acknowledged).
   */
  private waitWritten(tailStart: number): void {
    const needed = Math.min(tailStart + this.tail.sizeBytes / 2, this.publishedPhysical);
    const words = this.shared.words;
    while (this.shared.load(Big.WRITTEN_PHYSICAL) < needed && Atomics.load(words, Word.COMMIT_FAILED) === 0) {
      const wakeSeen = Atomics.load(words, Word.WAKE);
      Atomics.store(words, Word.SLEEPING, 1); // the committer wakes a sleeping worker after a write
      Atomics.add(words, Word.COMMIT_WAKE, 1);
      Atomics.notify(words, Word.COMMIT_WAKE);
      if (this.shared.load(Big.WRITTEN_PHYSICAL) < needed) Atomics.wait(words, Word.WAKE, wakeSeen, 10);
      Atomics.store(words, Word.SLEEPING, 0);
    }
  }

  private failBatch(error: unknown): void {
    const code = (error as { code?: string }).code;
    this.shared.setHealth(Health.NOT_WRITABLE | (code === 'ENOSPC' ? Health.DISK_FULL : Health.IO_ERROR));
    for (const state of this.touched) {
      state.nextQueueOffset = state.stagedFirst;
      state.stagedCount = 0;
    }
    this.touched.length = 0;
    this.writePhysical = this.batchStartPhysical;
    this.resetBatch();
  }

  private resetBatch(): void {
    this.batchPosition = 0;
    this.runs.length = 0;
  }

  /** Consume-queue files written since the last call (the flusher fsyncs them). */
  takeTouchedQueuePaths(): string[] {
    const paths = [...this.cqTouchedPaths];
    this.cqTouchedPaths.clear();
    return paths;
  }

  deleteTopic(topic: string): void {
    const byId = this.queues.get(topic);
    if (byId === undefined) return;
    for (const state of byId) if (state !== undefined) this.shared.markSlotDeleted(state.slot);
    this.queues.delete(topic);
    this.lastTopicBytes = Buffer.alloc(0);
    this.lastTopicQueues = undefined;
    const dir = join(this.layout.consumeQueueDir, topic);
    this.cqFds.forgetUnder(dir);
    this.io.rmdir(dir);
    this.shared.announceChange();
  }

  close(): void {
    this.commitLog.closeCurrent();
    this.cqFds.closeAll();
    this.index?.closeFile();
  }
}
