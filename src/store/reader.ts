import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { int16At, int32At, uint32At } from '../protocol/bytes.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import {
  MESSAGE_MAGIC, RECORD_FIXED_BYTES_V4, RecordPosition, bodyLengthPosition, storeTimestampPosition,
} from '../protocol/record-layout.js';
import { FdCache, readCommitLog } from './commit-log.js';
import type { StoreLayout } from './config.js';
import { CQ_ENTRY_BYTES, QueueGeometry, entryPhysicalOffset, entrySize, entryTagsCode, queueDir } from './consume-queue.js';
import { type FileIo, nodeFileIo } from './file-io.js';
import {
  INDEX_HEADER_BYTES, type IndexHeader, indexKeyHash, listIndexFiles, readIndexHeader, topicHashPrefix, walkIndexChain,
} from './index-file.js';
import { bodyCrc, indexKeysOf, readI64, recordFields } from './record-access.js';
import { Big, SharedState, SlotDirectory, Word } from './shared-state.js';
import { TailCache } from './tail-cache.js';
import {
  GetMessageStatus, type GetMessagesResult, type MessageFilter, type QueryByKeyResult,
} from './types.js';

/** What a reader needs; plain data, structured-cloneable (post it to a dispatch worker). */
export interface ReaderPort {
  readonly kind: 'petrel-store-reader';
  readonly layout: StoreLayout;
  readonly control: SharedArrayBuffer;
  readonly tailCache: SharedArrayBuffer;
  readonly indexSlots: SharedArrayBuffer | null;
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs: number) =>
  { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Entries scanned per pull at least (RocketMQ's maxFilterMessageCount: 16000 bytes / 20). */
const SCAN_ENTRIES_MIN = 800;
const ENTRY_CHUNK = 1024;
/**
 * A span (records read at once) may step over gaps this large: copying 16 KiB costs about what
 * one more pread costs, so reading through one is never much worse than reading twice.
 */
const SPAN_GAP_BYTES_MAX = 16 * 1024;
/** Bytes read at once at most (a reader's scratch buffer); a pull body is 256 KiB at most. */
const SPAN_BYTES_MAX = 1024 * 1024;

/**
 * The read side, usable in any thread. Synchronous positional reads: the store's files are only
 * appended below published offsets, so no locking is needed. Reads never go past the published
 * max offsets; hot bytes come from the shared tail cache; records read from files are verified
 * (magic, size, physical offset, body CRC) and a corrupt one is skipped (getMessages) or
 * refused with ERR_STORE_CORRUPT (readRecord). Not thread-safe: one reader per thread.
 */
export class StoreReader {
  readonly layout: StoreLayout;
  private readonly shared: SharedState;
  private readonly slots: SlotDirectory;
  private readonly tail: TailCache;
  private readonly fds: FdCache;
  private readonly geometry: QueueGeometry;
  private readonly indexSlots: Int32Array | null;
  private readonly entries = Buffer.alloc(ENTRY_CHUNK * CQ_ENTRY_BYTES);
  private readonly probe = Buffer.alloc(128);
  private readonly picked = new Picked();
  /**
   * Plain (not shared) working memory, allocated on first use: a body area (`workBodyBytes`)
   * followed by the span scratch (SPAN_BYTES_MAX, where spans with gaps are read first). A body
   * bound for a shared slot is assembled in the body area and copied to the slot once: copies
   * into shared memory cost ~2 x per call, and a gap span's records are then moved with
   * copyWithin (no view per record).
   */
  private work: Buffer | null = null;
  private workBodyBytes = 0;
  /** Records skipped because they failed verification. */
  corruptRecordCount = 0;

  constructor(port: ReaderPort, private readonly io: FileIo = nodeFileIo) {
    assert(port.kind === 'petrel-store-reader', 'not a store reader port');
    this.layout = port.layout;
    this.shared = new SharedState(port.control, port.layout.queueSlotsMax);
    this.slots = new SlotDirectory(this.shared);
    this.tail = new TailCache(port.tailCache, this.shared);
    this.fds = new FdCache(io);
    this.geometry = new QueueGeometry(port.layout.cqFileBytes);
    this.indexSlots = port.indexSlots === null ? null : new Int32Array(port.indexSlots);
  }

  minOffset(topic: string, queueId: number): number {
    const slot = this.slots.find(topic, queueId);
    return slot < 0 ? 0 : this.shared.minQueueOffset(slot);
  }

  maxOffset(topic: string, queueId: number): number {
    const slot = this.slots.find(topic, queueId);
    return slot < 0 ? 0 : this.shared.maxQueueOffset(slot);
  }

  /** Bumped after every publish (any queue). */
  changeSequence(): number {
    return Atomics.load(this.shared.words, Word.CHANGE_SEQUENCE);
  }

  /** Resolves true when the change sequence moved past `seenSequence`, false on timeout. */
  async waitForChange(seenSequence: number, timeoutMs: number): Promise<boolean> {
    const result = waitAsync(this.shared.words, Word.CHANGE_SEQUENCE, seenSequence, timeoutMs);
    const outcome = result.async ? await result.value : result.value;
    return outcome !== 'timed-out';
  }

  /** A counter that moves whenever the queue's max offset moves (-1 for an unknown queue). */
  queueVersion(topic: string, queueId: number): number {
    const slot = this.slots.find(topic, queueId);
    return slot < 0 ? -1 : Atomics.load(this.shared.slotWords, this.shared.slotChangeWord(slot));
  }

  /**
   * Up to `maxCount` records (`maxBytes` in all, at least one) from `queueOffset` as one body.
   * With `target` the body is assembled at its start when it fits (a dispatch worker's shared
   * body slot), else in a buffer of its own.
   */
  getMessages(
    topic: string, queueId: number, queueOffset: number, maxCount: number, maxBytes: number, filter?: MessageFilter,
    target?: Buffer,
  ): GetMessagesResult {
    assert(Number.isSafeInteger(queueOffset) && maxCount > 0 && maxBytes > 0, 'bad getMessages arguments');
    const slot = this.slots.find(topic, queueId);
    const minOffset = slot < 0 ? 0 : this.shared.minQueueOffset(slot);
    const maxOffset = slot < 0 ? 0 : this.shared.maxQueueOffset(slot);
    const answer = (status: GetMessageStatus, nextBeginOffset: number, body: Buffer = EMPTY, messageCount = 0): GetMessagesResult =>
      ({ status, body, messageCount, nextBeginOffset, minOffset, maxOffset });
    if (maxOffset === 0) return answer(GetMessageStatus.NO_MESSAGE_IN_QUEUE, 0);
    if (queueOffset < minOffset) return answer(GetMessageStatus.OFFSET_TOO_SMALL, minOffset);
    if (queueOffset === maxOffset) return answer(GetMessageStatus.OFFSET_OVERFLOW_ONE, queueOffset);
    if (queueOffset > maxOffset) return answer(GetMessageStatus.OFFSET_OVERFLOW_BADLY, maxOffset);
    const dir = queueDir(this.layout.consumeQueueDir, topic, queueId);
    const picked = this.pick(dir, queueOffset, Math.min(maxOffset - queueOffset, Math.max(maxCount, SCAN_ENTRIES_MIN)), maxCount, maxBytes, filter);
    if (picked === null) {
      const nextFile = queueOffset + this.geometry.entriesPerFile - (queueOffset % this.geometry.entriesPerFile);
      return answer(GetMessageStatus.OFFSET_FOUND_NULL, nextFile);
    }
    const { body, count } = this.assemble(picked, filter, target);
    const next = queueOffset + picked.scanned;
    if (count > 0) return answer(GetMessageStatus.FOUND, next, body, count);
    return answer(picked.removed > 0 && picked.count === 0 ? GetMessageStatus.MESSAGE_WAS_REMOVING : GetMessageStatus.NO_MATCHED_MESSAGE, next);
  }

  /** Chooses consume-queue entries (tag filter, count and byte bounds); null when none could be read. */
  private pick(dir: string, queueOffset: number, scanMax: number, maxCount: number, maxBytes: number, filter?: MessageFilter): Picked | null {
    const picked = this.picked;
    picked.reset();
    const minPhysical = this.shared.load(Big.MIN_PHYSICAL);
    const matchTagsCode = filter?.matchTagsCode;
    while (picked.scanned < scanMax) {
      const want = Math.min(ENTRY_CHUNK, scanMax - picked.scanned);
      const read = this.geometry.readEntries(this.io, this.fds, dir, queueOffset + picked.scanned, want, this.entries);
      if (read === 0) return picked.scanned === 0 ? null : picked;
      for (let i = 0; i < read; i++) {
        const position = i * CQ_ENTRY_BYTES;
        const physicalOffset = entryPhysicalOffset(this.entries, position);
        const size = entrySize(this.entries, position);
        if (picked.count >= maxCount || (picked.bytes + size > maxBytes && picked.count > 0)) return picked;
        picked.scanned++;
        if (physicalOffset < minPhysical) {
          picked.removed++;
          continue;
        }
        if (matchTagsCode !== undefined && !matchTagsCode(entryTagsCode(this.entries, position))) continue;
        picked.push(physicalOffset, size);
      }
    }
    return picked;
  }

  /**
   * Copies the picked records into one buffer, verifying each; applies the record filter.
   * Records close together in one segment (a span: see `spanEnd`) are read at once, from the
   * tail cache or with one pread, straight into the body when they are back to back, so a pull
   * costs a few reads rather than one per record. Each record is first placed where it would
   * be if all were kept; one that fails verification or the filter leaves a hole that the
   * records after it are moved down over.
   */
  private assemble(picked: Picked, filter?: MessageFilter, target?: Buffer): { body: Buffer; count: number } {
    const toTarget = target !== undefined && picked.bytes <= target.length;
    const body = toTarget ? this.workspace(target.length).subarray(0, picked.bytes) : Buffer.alloc(picked.bytes);
    const matchRecord = filter?.matchRecord;
    let position = 0;
    let placedAt = 0;
    let count = 0;
    for (let first = 0; first < picked.count;) {
      const end = this.spanEnd(picked, first);
      const source = end - first === 1 ? SpanSource.NONE : this.readSpan(picked, first, end, body, placedAt);
      for (let i = first; i < end; i++) {
        const physicalOffset = picked.physical[i] as number;
        const size = picked.sizes[i] as number;
        const at = placedAt;
        placedAt += size;
        const intact = source === SpanSource.NONE
          ? this.readInto(physicalOffset, size, body, at)
          : verifyRecord(body, at, size, physicalOffset, source === SpanSource.FILE);
        if (!intact) {
          this.corruptRecordCount++;
          continue;
        }
        if (matchRecord !== undefined && !matchRecord(body.subarray(at, at + size))) continue;
        if (at !== position) body.copy(body, position, at, at + size);
        position += size;
        count++;
      }
      first = end;
    }
    if (toTarget) {
      target.set(body.subarray(0, position));
      return { body: target.subarray(0, position), count };
    }
    return { body: position === body.length ? body : body.subarray(0, position), count };
  }

  /** The working memory with a body area of at least `bodyBytes` (reallocated only here). */
  private workspace(bodyBytes: number): Buffer {
    if (this.work === null || this.workBodyBytes < bodyBytes) {
      this.workBodyBytes = bodyBytes;
      this.work = Buffer.alloc(bodyBytes + SPAN_BYTES_MAX);
    }
    return this.work;
  }

  /**
   * The end (exclusive) of the span of picked records starting at `first`: the following
   * records, in increasing order in the same commit-log segment, each less than
   * SPAN_GAP_BYTES_MAX after the previous one's end, the whole within SPAN_BYTES_MAX.
   */
  private spanEnd(picked: Picked, first: number): number {
    const start = picked.physical[first] as number;
    const segmentEnd = start - (start % this.layout.segmentBytes) + this.layout.segmentBytes;
    let reach = start + (picked.sizes[first] as number);
    let next = first + 1;
    while (next < picked.count) {
      const physicalOffset = picked.physical[next] as number;
      const recordEnd = physicalOffset + (picked.sizes[next] as number);
      if (physicalOffset < reach || physicalOffset - reach > SPAN_GAP_BYTES_MAX) break;
      if (recordEnd > segmentEnd || recordEnd - start > SPAN_BYTES_MAX) break;
      reach = recordEnd;
      next++;
    }
    return next;
  }

  /**
   * Reads the records [first, end) of a span back to back into `target` at `position`: one copy
   * from the tail cache or one pread, into `target` directly when they are contiguous, else into
   * the scratch area and from there record by record (copyWithin when `target` is the body
   * area of the same working memory). NONE when the span could not be read
   * (its records are then read one by one).
   */
  private readSpan(picked: Picked, first: number, end: number, target: Buffer, position: number): SpanSource {
    const start = picked.physical[first] as number;
    const last = end - 1;
    const spanBytes = (picked.physical[last] as number) + (picked.sizes[last] as number) - start;
    assert(start + spanBytes <= this.shared.load(Big.MAX_PHYSICAL), 'read past the published commit log');
    let recordBytes = 0;
    for (let i = first; i < end; i++) recordBytes += picked.sizes[i] as number;
    if (recordBytes === spanBytes) return this.readRange(start, spanBytes, target, position);
    const work = this.workspace(0);
    const scratchAt = this.workBodyBytes;
    const source = this.readRange(start, spanBytes, work, scratchAt);
    if (source === SpanSource.NONE) return source;
    const inWork = target.buffer === work.buffer;
    let at = inWork ? target.byteOffset - work.byteOffset + position : position;
    for (let i = first; i < end; i++) {
      const from = scratchAt + (picked.physical[i] as number) - start;
      const size = picked.sizes[i] as number;
      if (inWork) work.copyWithin(at, from, from + size);
      else work.copy(target, at, from, from + size);
      at += size;
    }
    return source;
  }

  /** Copies commit-log bytes (one segment, below MAX_PHYSICAL) from the tail cache or the file. */
  private readRange(physicalOffset: number, length: number, target: Buffer, position: number): SpanSource {
    if (this.tail.read(physicalOffset, target, position, length)) return SpanSource.TAIL;
    const read = readCommitLog(this.io, this.fds, this.layout.commitLogDir, this.layout.segmentBytes,
      physicalOffset, target, position, length);
    return read === length ? SpanSource.FILE : SpanSource.NONE;
  }

  /** Reads one whole record into `target`; false when it is missing or fails verification. */
  private readInto(physicalOffset: number, size: number, target: Buffer, position: number): boolean {
    assert(physicalOffset + size <= this.shared.load(Big.MAX_PHYSICAL), 'read past the published commit log');
    const fromTail = this.tail.read(physicalOffset, target, position, size);
    if (!fromTail) {
      const read = readCommitLog(this.io, this.fds, this.layout.commitLogDir, this.layout.segmentBytes, physicalOffset, target, position, size);
      if (read !== size) return false;
    }
    return verifyRecord(target, position, size, physicalOffset, !fromTail);
  }

  /** The exact bytes of the record at `physicalOffset`, or null when there is none. */
  readRecord(physicalOffset: number): Buffer | null {
    if (physicalOffset < this.shared.load(Big.MIN_PHYSICAL)) return null;
    if (physicalOffset + 8 > this.shared.load(Big.MAX_PHYSICAL)) return null;
    const segmentEnd = physicalOffset - (physicalOffset % this.layout.segmentBytes) + this.layout.segmentBytes;
    if (!this.readHead(physicalOffset, Math.min(8, segmentEnd - physicalOffset))) return null;
    if (this.probe.readInt32BE(4) !== MESSAGE_MAGIC) return null;
    const size = this.probe.readInt32BE(0);
    if (size <= 0 || physicalOffset + size > this.shared.load(Big.MAX_PHYSICAL)) return null;
    const record = Buffer.alloc(size);
    if (!this.readInto(physicalOffset, size, record, 0)) {
      throw new PetrelError(ErrorCode.ERR_STORE_CORRUPT, `record at ${physicalOffset} fails verification`);
    }
    return record;
  }

  private readHead(physicalOffset: number, length: number): boolean {
    if (this.tail.read(physicalOffset, this.probe, 0, length)) return true;
    return readCommitLog(this.io, this.fds, this.layout.commitLogDir, this.layout.segmentBytes, physicalOffset, this.probe, 0, length) === length;
  }

  /** STORETIMESTAMP of the record at `physicalOffset`, or -1. */
  storeTimestampAt(physicalOffset: number): number {
    if (physicalOffset < this.shared.load(Big.MIN_PHYSICAL) || physicalOffset + 72 > this.shared.load(Big.MAX_PHYSICAL)) return -1;
    if (!this.readHead(physicalOffset, 72)) return -1;
    return readI64(this.probe, storeTimestampPosition(this.probe.readInt32BE(RecordPosition.SYS_FLAG)));
  }

  /** Store time of the first retained message of the queue, or -1. */
  earliestStoreTime(topic: string, queueId: number): number {
    const slot = this.slots.find(topic, queueId);
    if (slot < 0) return -1;
    const minOffset = this.shared.minQueueOffset(slot);
    if (minOffset >= this.shared.maxQueueOffset(slot)) return -1;
    return this.storeTimeOfQueueOffset(queueDir(this.layout.consumeQueueDir, topic, queueId), minOffset);
  }

  private storeTimeOfQueueOffset(dir: string, queueOffset: number): number {
    if (this.geometry.readEntries(this.io, this.fds, dir, queueOffset, 1, this.entries) !== 1) return -1;
    return this.storeTimestampAt(entryPhysicalOffset(this.entries, 0));
  }

  /**
   * Queue offset whose store time is closest to `timestampMs` (exact match wins; reference
   * §2.4 SEARCH_OFFSET_BY_TIMESTAMP); 0 for an empty or unknown queue.
   */
  offsetByTimestamp(topic: string, queueId: number, timestampMs: number): number {
    const slot = this.slots.find(topic, queueId);
    if (slot < 0) return 0;
    const minOffset = this.shared.minQueueOffset(slot);
    const maxOffset = this.shared.maxQueueOffset(slot);
    if (minOffset >= maxOffset) return 0;
    const dir = queueDir(this.layout.consumeQueueDir, topic, queueId);
    let low = minOffset;
    let high = maxOffset;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (this.storeTimeOfQueueOffset(dir, middle) < timestampMs) low = middle + 1;
      else high = middle;
    }
    if (low === maxOffset) return maxOffset - 1;
    const atLow = this.storeTimeOfQueueOffset(dir, low);
    if (atLow === timestampMs || low === minOffset) return low;
    const before = this.storeTimeOfQueueOffset(dir, low - 1);
    return Math.abs(timestampMs - before) <= Math.abs(atLow - timestampMs) ? low - 1 : low;
  }

  /** Records whose KEYS or UNIQ_KEY equal `key`, newest first, within [beginMs, endMs]. */
  queryByKey(topic: string, key: string, maxCount: number, beginMs: number, endMs: number): QueryByKeyResult {
    const offsets = this.indexLookup(indexKeyHash(topicHashPrefix(topic), key), maxCount * 4, beginMs, endMs);
    const records: Buffer[] = [];
    const physicalOffsets: number[] = [];
    for (const physicalOffset of offsets) {
      if (records.length >= maxCount) break;
      let record: Buffer | null;
      try {
        record = this.readRecord(physicalOffset);
      } catch {
        record = null;
      }
      if (record === null || !recordHasKey(record, topic, key)) continue;
      records.push(record);
      physicalOffsets.push(physicalOffset);
    }
    return {
      body: Buffer.concat(records),
      messageCount: records.length,
      physicalOffsets,
      indexLastUpdateTimestamp: this.shared.load(Big.INDEX_END_TIMESTAMP),
      indexLastUpdatePhyoffset: this.shared.load(Big.INDEX_END_PHYSICAL),
    };
  }

  private indexLookup(keyHash: number, maxCount: number, beginMs: number, endMs: number): number[] {
    for (let attempt = 0; attempt < 3; attempt++) {
      const generation = Atomics.load(this.shared.words, Word.INDEX_GENERATION);
      const found = this.indexLookupOnce(keyHash, maxCount, beginMs, endMs);
      if (Atomics.load(this.shared.words, Word.INDEX_GENERATION) === generation) return [...new Set(found)];
    }
    return [];
  }

  private indexLookupOnce(keyHash: number, maxCount: number, beginMs: number, endMs: number): number[] {
    const found: number[] = [];
    const dir = this.layout.indexDir;
    const currentName = String(this.shared.load(Big.INDEX_NAME_HIGH)).padStart(9, '0')
      + String(this.shared.load(Big.INDEX_NAME_LOW)).padStart(8, '0');
    const slotCount = this.layout.indexSlotCount;
    const names = listIndexFiles(this.io, dir).reverse();
    for (const name of names) {
      if (found.length >= maxCount) break;
      const fd = this.fds.get(join(dir, name));
      if (fd < 0) continue;
      const header = readIndexHeader(this.io, fd);
      if (header === null) continue;
      const isCurrent = name === currentName && this.indexSlots !== null;
      const current = isCurrent ? this.currentHeader(header) : header;
      if (current.indexCount <= 1 || current.endTimestamp < beginMs || current.beginTimestamp > endMs + 1000) continue;
      const slotValue = isCurrent ? (this.indexSlots as Int32Array)[keyHash % slotCount] as number : this.fileSlot(fd, keyHash % slotCount);
      walkIndexChain(this.io, fd, current, slotCount, slotValue, keyHash, beginMs, endMs, maxCount, current.indexCount, found);
    }
    return found;
  }

  private currentHeader(fileHeader: IndexHeader): IndexHeader {
    return {
      ...fileHeader,
      beginTimestamp: this.shared.load(Big.INDEX_BEGIN_TIMESTAMP),
      endTimestamp: this.shared.load(Big.INDEX_END_TIMESTAMP),
      indexCount: Atomics.load(this.shared.words, Word.INDEX_COUNT),
    };
  }

  private fileSlot(fd: number, slot: number): number {
    const read = this.io.read(fd, this.probe, 0, 4, INDEX_HEADER_BYTES + slot * 4);
    return read === 4 ? this.probe.readInt32BE(0) : 0;
  }

  close(): void {
    this.fds.closeAll();
  }
}

/** The picked consume-queue entries of one pull, in reused typed arrays (no object per entry). */
class Picked {
  physical = new Float64Array(ENTRY_CHUNK);
  sizes = new Int32Array(ENTRY_CHUNK);
  count = 0;
  scanned = 0;
  removed = 0;
  bytes = 0;

  reset(): void {
    this.count = 0;
    this.scanned = 0;
    this.removed = 0;
    this.bytes = 0;
  }

  push(physicalOffset: number, size: number): void {
    if (this.count === this.physical.length) this.grow();
    this.physical[this.count] = physicalOffset;
    this.sizes[this.count] = size;
    this.count++;
    this.bytes += size;
  }

  private grow(): void {
    const physical = new Float64Array(this.physical.length * 2);
    physical.set(this.physical);
    const sizes = new Int32Array(this.sizes.length * 2);
    sizes.set(this.sizes);
    this.physical = physical;
    this.sizes = sizes;
  }
}

/** Where a span's bytes came from: the tail cache (verified without CRC), a file (with CRC), or nowhere. */
const SpanSource = { NONE: 0, TAIL: 1, FILE: 2 } as const;
type SpanSource = (typeof SpanSource)[keyof typeof SpanSource];

const EMPTY = Buffer.alloc(0);
const TWO_POW_32 = 4294967296;

/**
 * Pair assertion on read: the record is the one the consume queue points at, intact. Unchecked
 * reads (protocol/bytes.ts): `size` bytes at `position` are in `buffer`, and a record shorter
 * than its fields reads zeros past the end, which fail the checks.
 */
function verifyRecord(buffer: Buffer, position: number, size: number, physicalOffset: number, checkCrc: boolean): boolean {
  if (int32At(buffer, position) !== size) return false;
  if (int32At(buffer, position + RecordPosition.MAGIC) !== MESSAGE_MAGIC) return false;
  const physicalAt = position + RecordPosition.PHYSICAL_OFFSET;
  if (int32At(buffer, physicalAt) * TWO_POW_32 + uint32At(buffer, physicalAt + 4) !== physicalOffset) return false;
  if (!checkCrc) return true;
  return bodyCrcMatches(buffer, position, size);
}

/**
 * The record's lengths are consistent (as `recordFields` checks them) and its body CRC is the
 * stored one. Inline, without a fields object or a Buffer view per record (300 -> 180 ns per
 * 128 B record); `bodyCrc` checksums small bodies in JS without a view at all.
 */
function bodyCrcMatches(buffer: Buffer, position: number, size: number): boolean {
  if (size < RECORD_FIXED_BYTES_V4) return false;
  const end = position + size;
  const bodyLengthAt = position + bodyLengthPosition(int32At(buffer, position + RecordPosition.SYS_FLAG));
  const bodyLength = int32At(buffer, bodyLengthAt);
  const bodyStart = bodyLengthAt + 4;
  const bodyEnd = bodyStart + bodyLength;
  if (bodyLength < 0 || bodyEnd + 3 > end) return false;
  const topicEnd = bodyEnd + 1 + (buffer[bodyEnd] as number);
  if (topicEnd + 2 > end) return false;
  if (topicEnd + 2 + (int16At(buffer, topicEnd) & 0xffff) !== end) return false;
  return bodyCrc(buffer, bodyStart, bodyEnd) === int32At(buffer, position + RecordPosition.BODY_CRC);
}

function recordHasKey(record: Buffer, topic: string, key: string): boolean {
  const fields = recordFields(record, 0, record.length);
  if (fields === null) return false;
  if (record.toString('utf8', fields.topicStart, fields.topicEnd) !== topic) return false;
  return indexKeysOf(record.toString('utf8', fields.propertiesStart, fields.propertiesEnd)).includes(key);
}
