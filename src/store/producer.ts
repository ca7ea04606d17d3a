import { assert } from '../common/assert.js';
import { RECORD_FIXED_BYTES_V4, RecordPosition, bodyLengthPosition } from '../protocol/record-layout.js';
import {
  type Completion, CompletionCode, CompletionRingReader, ENTRY_HEADER_BYTES, RING_HEADER_BYTES, RequestRingWriter, alignTo8,
  requestEntryBytes,
} from './ring.js';
import { Big, Health, SharedState, Word } from './shared-state.js';
import type { AppendCallback, AppendResult, AppendSubmitStatus } from './types.js';

/**
 * What a producer thread needs to append: its own request and completion rings plus the shared
 * control block. Plain data, structured-cloneable: post it to an I/O worker thread.
 */
export interface ProducerPort {
  readonly kind: 'petrel-store-producer';
  readonly producerIndex: number;
  readonly control: SharedArrayBuffer;
  readonly requests: SharedArrayBuffer;
  readonly completions: SharedArrayBuffer;
  readonly queueSlotsMax: number;
  readonly bodyBytesMax: number;
  readonly appendBytesMax: number;
  readonly syncFlush: boolean;
  readonly behindBytesMax: number;
}

type WaitAsync = (array: Int32Array, index: number, value: number) =>
  { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const SINGLE: number[] = [];
const REFUSE_BITS = Health.NOT_WRITABLE | Health.DISK_FULL | Health.CLOSING;

/**
 * The append side for one thread (not thread-safe; one per thread). `append` copies the records
 * into the request ring and returns at once; completions come back through the completion ring
 * and are delivered in append order, all available ones per wake-up (one Atomics.waitAsync
 * armed while appends are in flight; no per-message promise or timer).
 */
export class StoreProducer {
  private readonly shared: SharedState;
  private readonly requests: RequestRingWriter;
  private readonly ringBytes: Buffer;
  private readonly completions: CompletionRingReader;
  private readonly callbacks: (AppendCallback | undefined)[];
  private readonly relativeOffsets: (number[] | undefined)[];
  private readonly slotMask: number;
  private readonly scratch: Completion = {
    sequence: 0, code: CompletionCode.OK, recordCount: 0, physicalOffset: 0, queueOffset: 0, storeTimestampMs: 0,
  };
  private nextSequence = 0;
  private expectedSequence = 0;
  private inFlight = 0;
  private waiting = false;
  private wakePending = false;
  private closed = false;

  constructor(readonly port: ProducerPort) {
    assert(port.kind === 'petrel-store-producer', 'not a store producer port');
    this.shared = new SharedState(port.control, port.queueSlotsMax);
    this.requests = new RequestRingWriter(port.requests);
    this.ringBytes = Buffer.from(port.requests, RING_HEADER_BYTES);
    this.completions = new CompletionRingReader(port.completions);
    this.callbacks = new Array<AppendCallback | undefined>(this.completions.slotCount);
    this.relativeOffsets = new Array<number[] | undefined>(this.completions.slotCount);
    this.slotMask = this.completions.slotCount - 1;
  }

  /** Appends in flight (queued, callback not yet run). */
  get pendingCount(): number {
    return this.inFlight;
  }

  /**
   * Queues one append: `records` are encoded V1 records of one (topic, queueId), back to back.
   * `tagsCodes`: one per record, or one number for all. See types.ts for the statuses.
   * `indexKeyHashes` (optional fast path): per record, the number of index keys and then their
   * hashes, as `indexKeyHashesOf(topic, UNIQ_KEY, KEYS)` builds them; the store worker then
   * indexes without parsing the properties. Absent: the worker hashes UNIQ_KEY and KEYS itself.
   */
  append(
    records: Uint8Array, tagsCodes: number | readonly number[], done: AppendCallback, indexKeyHashes?: readonly number[],
  ): AppendSubmitStatus {
    const refused = this.refusal();
    if (refused !== null) return refused;
    const bytes = Buffer.isBuffer(records) ? records : Buffer.from(records.buffer, records.byteOffset, records.byteLength);
    const sizes = this.validate(bytes);
    if (sizes === null) return 'too-large';
    const recordCount = sizes.length === 0 ? 1 : sizes.length;
    const keyWords = indexKeyHashes === undefined ? 0 : checkedKeyWords(indexKeyHashes, recordCount);
    const entryBytes = requestEntryBytes(recordCount, bytes.length, keyWords);
    if (entryBytes > this.requests.entryBytesMax) return 'too-large';
    const at = this.requests.reserve(entryBytes);
    if (at < 0) return 'busy';
    this.requests.bytes.set(bytes, at + ENTRY_HEADER_BYTES + 8 * recordCount);
    this.commitEntry(at, entryBytes, bytes.length, recordCount, sizes, tagsCodes, indexKeyHashes, done);
    return 'queued';
  }

  /**
   * Fast path of `append` without an intermediate buffer: reserves ring space for
   * `recordsBytes` of `recordCount` records and calls `encode(target)` to write them straight
   * into the ring (`target` is exactly `recordsBytes` long; e.g. `encodeRecord(fields, target,
   * position)` per record, sizes from `recordBytesFor`). Same statuses and callback as `append`;
   * when the encoded records are too large or `encode` throws, nothing is queued.
   */
  appendEncoded(
    recordsBytes: number, recordCount: number, encode: (target: Buffer) => void,
    tagsCodes: number | readonly number[], done: AppendCallback, indexKeyHashes?: readonly number[],
  ): AppendSubmitStatus {
    const refused = this.refusal();
    if (refused !== null) return refused;
    assert(Number.isInteger(recordCount) && recordCount > 0, 'appendEncoded needs a record count');
    if (recordsBytes > this.port.appendBytesMax) return 'too-large';
    const keyWords = indexKeyHashes === undefined ? 0 : checkedKeyWords(indexKeyHashes, recordCount);
    const entryBytes = requestEntryBytes(recordCount, recordsBytes, keyWords);
    if (entryBytes > this.requests.entryBytesMax) return 'too-large';
    const at = this.requests.reserve(entryBytes);
    if (at < 0) return 'busy';
    const recordsAt = at + ENTRY_HEADER_BYTES + 8 * recordCount;
    // Not committed until validated: an abandoned reservation is simply reused by the next one.
    const target = this.ringBytes.subarray(recordsAt, recordsAt + recordsBytes);
    encode(target);
    const sizes = this.validate(target);
    if (sizes === null) return 'too-large';
    assert((sizes.length === 0 ? 1 : sizes.length) === recordCount, 'appendEncoded: record count mismatch');
    this.commitEntry(at, entryBytes, recordsBytes, recordCount, sizes, tagsCodes, indexKeyHashes, done);
    return 'queued';
  }

  private refusal(): AppendSubmitStatus | null {
    if (this.closed || (this.shared.health() & REFUSE_BITS) !== 0) return 'not-writable';
    if (this.inFlight >= this.completions.slotCount) return 'busy';
    if (this.port.syncFlush && this.behindBytes() > this.port.behindBytesMax) return 'busy';
    return null;
  }

  /** Header, tagsCodes and key hashes of a reserved entry whose records are in place; publishes it. */
  private commitEntry(
    at: number, entryBytes: number, recordsBytes: number, recordCount: number, sizes: number[],
    tagsCodes: number | readonly number[], indexKeyHashes: readonly number[] | undefined, done: AppendCallback,
  ): void {
    this.writeEntry(at, recordsBytes, recordCount, tagsCodes, entryBytes);
    if (indexKeyHashes !== undefined) this.writeKeyHashes(at + entryBytes - alignTo8(4 * indexKeyHashes.length), indexKeyHashes);
    this.completions.publishRead(); // before the request: see CompletionRingReader.drain
    this.requests.commit(entryBytes);
    const slot = this.nextSequence & this.slotMask;
    this.callbacks[slot] = done;
    this.relativeOffsets[slot] = sizes.length === 0 ? undefined : relative(sizes);
    this.nextSequence = (this.nextSequence + 1) | 0;
    this.inFlight++;
    if (!this.wakePending && Atomics.load(this.shared.words, Word.SLEEPING) === 1) {
      // Wake the worker once this task's appends are all in the ring: one bigger batch.
      this.wakePending = true;
      queueMicrotask(this.wakeWorker);
    }
    this.arm();
  }

  /** Stops delivering; appends still in flight get no callback. */
  close(): void {
    this.closed = true;
  }

  private behindBytes(): number {
    return Number(Atomics.load(this.shared.values, Big.MAX_PHYSICAL) - Atomics.load(this.shared.values, Big.FLUSHED_PHYSICAL));
  }

  /**
   * Walks the records: sizes must add up, bodies within maxMessageSize, one queue. Returns the
   * sizes of a multi-record append, [] for a single record, null when too large. A malformed
   * append is a programmer error of the caller (it encoded the records).
   */
  private validate(bytes: Buffer): number[] | null {
    if (bytes.length > this.port.appendBytesMax) return null;
    if (bytes.readInt32BE(0) === bytes.length) {
      const sysFlag = bytes.readInt32BE(RecordPosition.SYS_FLAG);
      assert(bytes.length >= RECORD_FIXED_BYTES_V4, 'malformed record in append');
      return bytes.readInt32BE(bodyLengthPosition(sysFlag)) > this.port.bodyBytesMax ? null : SINGLE;
    }
    const sizes: number[] = [];
    let position = 0;
    const queueId = bytes.readInt32BE(RecordPosition.QUEUE_ID);
    while (position < bytes.length) {
      const size = bytes.readInt32BE(position);
      assert(size >= RECORD_FIXED_BYTES_V4 && position + size <= bytes.length, 'malformed record in append');
      const sysFlag = bytes.readInt32BE(position + RecordPosition.SYS_FLAG);
      if (bytes.readInt32BE(position + bodyLengthPosition(sysFlag)) > this.port.bodyBytesMax) return null;
      assert(bytes.readInt32BE(position + RecordPosition.QUEUE_ID) === queueId, 'one append holds one queue');
      sizes.push(size);
      position += size;
    }
    assert(sizes.length > 0, 'an append holds at least one record');
    return sizes.length === 1 ? [] : sizes;
  }

  private writeEntry(at: number, recordsBytes: number, recordCount: number, tagsCodes: number | readonly number[], entryBytes: number): void {
    const ring = this.requests;
    const word = at >> 2;
    ring.words[word] = entryBytes;
    ring.words[word + 1] = this.nextSequence;
    ring.words[word + 2] = recordCount;
    ring.words[word + 3] = recordsBytes;
    const tagsAt = (at + ENTRY_HEADER_BYTES) >> 3;
    for (let i = 0; i < recordCount; i++) {
      const code = typeof tagsCodes === 'number' ? tagsCodes : tagsCodes[i];
      assert(code !== undefined && Number.isSafeInteger(code), 'one integer tagsCode per record');
      ring.doubles[tagsAt + i] = code;
    }
  }

  private writeKeyHashes(at: number, hashes: readonly number[]): void {
    const words = this.requests.words;
    const first = at >> 2;
    for (let i = 0; i < hashes.length; i++) words[first + i] = hashes[i] as number;
  }

  private arm(): void {
    if (this.waiting || this.inFlight === 0) return;
    this.waiting = true;
    // Wait on what has been consumed, not on the current write counter: completions published
    // but not yet drained (a callback that appends re-arms mid-drain) then end the wait at once.
    const consumed = this.completions.consumedCounter();
    const result = waitAsync(this.completions.control, this.completions.waitWordIndex(), consumed);
    if (result.async) {
      result.value.then(this.onWake, this.onWake);
    } else {
      queueMicrotask(this.onWake);
    }
  }

  private readonly wakeWorker = (): void => {
    this.wakePending = false;
    this.shared.wakeWorker();
  };

  private readonly onWake = (): void => {
    this.waiting = false;
    this.completions.setDraining(true);
    this.drain();
    this.completions.setDraining(false);
    this.arm();
  };

  /** Delivers every available completion (also callable to poll). */
  drain(): number {
    return this.completions.drain(this.deliver, this.scratch);
  }

  private readonly deliver = (completion: Completion): void => {
    assert(completion.sequence === this.expectedSequence, 'completions arrive in append order');
    const slot = completion.sequence & this.slotMask;
    const callback = this.callbacks[slot];
    const offsets = this.relativeOffsets[slot];
    assert(callback !== undefined, 'completion without a pending append');
    this.callbacks[slot] = undefined;
    this.relativeOffsets[slot] = undefined;
    this.expectedSequence = (this.expectedSequence + 1) | 0;
    this.inFlight--;
    if (this.closed) return;
    callback(toResult(completion, offsets));
  };
}

/** Words of a well-formed key-hash list (count + hashes per record); a malformed one is a caller bug. */
function checkedKeyWords(hashes: readonly number[], recordCount: number): number {
  let position = 0;
  for (let record = 0; record < recordCount; record++) {
    const keyCount = hashes[position];
    assert(keyCount !== undefined && Number.isInteger(keyCount) && keyCount >= 0, 'index key hashes: a count per record');
    position += 1 + keyCount;
  }
  assert(position === hashes.length, 'index key hashes must match the records');
  return hashes.length;
}

function relative(sizes: readonly number[]): number[] {
  const offsets: number[] = [];
  let position = 0;
  for (const size of sizes) {
    offsets.push(position);
    position += size;
  }
  return offsets;
}

/** One object per completion; the per-record offsets array is built only when asked for. */
class Appended implements AppendResult {
  constructor(
    readonly status: AppendResult['status'],
    readonly physicalOffset: number,
    readonly queueOffset: number,
    readonly recordCount: number,
    readonly storeTimestampMs: number,
    private readonly relativeOffsets: number[] | undefined,
  ) {}

  get physicalOffsets(): readonly number[] {
    const first = this.physicalOffset;
    return this.relativeOffsets === undefined ? [first] : this.relativeOffsets.map((delta) => first + delta);
  }
}

function toResult(completion: Completion, relativeOffsets: number[] | undefined): AppendResult {
  const status = completion.code === CompletionCode.OK
    ? 'ok'
    : completion.code === CompletionCode.FLUSH_DISK_TIMEOUT ? 'flush-disk-timeout' : 'not-writable';
  return new Appended(
    status, completion.physicalOffset, completion.queueOffset, completion.recordCount, completion.storeTimestampMs, relativeOffsets,
  );
}
