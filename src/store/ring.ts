import { assert } from '../common/assert.js';

/**
 * Single-producer/single-consumer rings in SharedArrayBuffers: producer threads -> store worker
 * (RequestRing, variable-size entries) and store worker -> producer (CompletionRing, fixed slots).
 * In-house rather than ringbuf.js: see docs/decisions.md ("Store rings"); the measured reason is
 * that ringbuf.js copies element by element and has no variable-size entries.
 *
 * Request ring layout (all positions are byte counters that wrap at 2^32; capacity is a power of
 * two so `counter & mask` is the data index):
 *
 *   @0   writeCounter i32 (producer-owned)      @64 readCounter i32 (consumer-owned)
 *   @128 data[capacity]
 *
 * Entry (8-byte aligned): | entryBytes i32 | sequence i32 | recordCount i32 | recordsBytes i32 |
 *   tagsCode f64 x recordCount | records... | pad to 8 | [index-key hashes i32... | pad to 8] |.
 *   The optional key-hash section (present when entryBytes is larger than the rest) holds, per
 *   record, the key count and then the hashes (`indexKeyHashesOf`). An entry never wraps: when
 *   it does not fit before the end, the producer writes WRAP_MARKER (-1) as entryBytes and skips
 *   to index 0. The store worker owns an entry from `peek` to `release` and stamps its records
 *   in place.
 */
export const RING_HEADER_BYTES = 128;
export const ENTRY_HEADER_BYTES = 16;
const WRAP_MARKER = -1;
const WRITE_WORD = 0;
const READ_WORD = 16;

export function alignTo8(bytes: number): number {
  return (bytes + 7) & ~7;
}

export function requestEntryBytes(recordCount: number, recordsBytes: number, keyHashWords = 0): number {
  return ENTRY_HEADER_BYTES + 8 * recordCount + alignTo8(recordsBytes) + alignTo8(4 * keyHashWords);
}

class RingViews {
  readonly control: Int32Array;
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly doubles: Float64Array;
  readonly capacity: number;
  readonly mask: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    const capacity = buffer.byteLength - RING_HEADER_BYTES;
    assert(capacity > 0 && (capacity & (capacity - 1)) === 0, 'ring capacity must be a power of two');
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.control = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    this.bytes = new Uint8Array(buffer, RING_HEADER_BYTES, capacity);
    this.words = new Int32Array(buffer, RING_HEADER_BYTES, capacity / 4);
    this.doubles = new Float64Array(buffer, RING_HEADER_BYTES, capacity / 8);
  }
}

export function createRequestRingBuffer(capacityBytes: number): SharedArrayBuffer {
  let capacity = 1;
  while (capacity < capacityBytes) capacity *= 2;
  return new SharedArrayBuffer(RING_HEADER_BYTES + capacity);
}

/** Producer half of a request ring. Not thread-safe: one producer thread owns it. */
export class RequestRingWriter extends RingViews {
  private writeCounter: number;
  /**
   * The consumer's read counter as last loaded: reloaded only when an entry does not fit
   * against it (the shared word's cache line then moves between the cores rarely).
   */
  private readSeen: number;

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.writeCounter = Atomics.load(this.control, WRITE_WORD) >>> 0;
    this.readSeen = Atomics.load(this.control, READ_WORD) >>> 0;
  }

  /** Largest entry this ring can ever take (half the ring, so wrapping never deadlocks). */
  get entryBytesMax(): number {
    return this.capacity / 2;
  }

  /**
   * Reserves `entryBytes` contiguous bytes; returns the data index of the entry, or -1 when the
   * ring is full. Writes a wrap marker when the entry would not fit before the end.
   */
  reserve(entryBytes: number): number {
    assert(entryBytes % 8 === 0 && entryBytes <= this.entryBytesMax, 'bad request entry size');
    const at = this.reserveAgainst(entryBytes);
    if (at >= 0) return at;
    this.readSeen = Atomics.load(this.control, READ_WORD) >>> 0;
    return this.reserveAgainst(entryBytes);
  }

  private reserveAgainst(entryBytes: number): number {
    const used = (this.writeCounter - this.readSeen) >>> 0;
    const index = this.writeCounter & this.mask;
    const tailBytes = this.capacity - index;
    if (tailBytes >= entryBytes) {
      return used + entryBytes <= this.capacity ? index : -1;
    }
    if (used + tailBytes + entryBytes > this.capacity) return -1;
    this.words[index >> 2] = WRAP_MARKER;
    this.writeCounter = (this.writeCounter + tailBytes) >>> 0;
    return 0;
  }

  /** Publishes the entry written at the reserved index. */
  commit(entryBytes: number): void {
    this.writeCounter = (this.writeCounter + entryBytes) >>> 0;
    Atomics.store(this.control, WRITE_WORD, this.writeCounter | 0);
  }
}

/** Consumer half (the store worker). */
export class RequestRingReader extends RingViews {
  private readCounter: number;
  /**
   * The producer's write counter as last loaded: entries below it are consumed without loading
   * the shared word again (its cache line is written by the producer on every append).
   */
  private writeSeen: number;

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.readCounter = Atomics.load(this.control, READ_WORD) >>> 0;
    this.writeSeen = this.readCounter;
  }

  /** Data index of the next entry, or -1 when empty. Skips a wrap marker. */
  peek(): number {
    if (this.writeSeen === this.readCounter) this.writeSeen = Atomics.load(this.control, WRITE_WORD) >>> 0;
    const writeCounter = this.writeSeen;
    if (writeCounter === this.readCounter) return -1;
    let index = this.readCounter & this.mask;
    if (this.words[index >> 2] === WRAP_MARKER) {
      this.readCounter = (this.readCounter + (this.capacity - index)) >>> 0;
      if (writeCounter === this.readCounter) return -1;
      index = 0;
    }
    return index;
  }

  hasEntries(): boolean {
    return (Atomics.load(this.control, WRITE_WORD) >>> 0) !== this.readCounter;
  }

  entryBytes(index: number): number {
    return this.words[index >> 2] as number;
  }

  /** Frees the entry at the head so the producer may reuse its bytes. */
  release(entryBytes: number): void {
    this.consume(entryBytes);
    this.publishConsumed();
  }

  /**
   * Moves past the entry at the head without telling the producer yet (`publishConsumed` frees
   * every consumed entry with one shared store: the read counter's cache line then moves
   * between the cores once per drain, not once per entry).
   */
  consume(entryBytes: number): void {
    this.readCounter = (this.readCounter + entryBytes) >>> 0;
  }

  publishConsumed(): void {
    Atomics.store(this.control, READ_WORD, this.readCounter | 0);
  }
}

/**
 * Completion ring: fixed 48-byte slots, worker -> producer.
 *   @0 writeCounter i32 (worker; the producer Atomics.waitAsyncs on it)   @64 readCounter i32
 *   @96 draining i32 (producer: 1 while it delivers completions; the worker then skips the
 *       notify, and the producer's re-armed wait sees the moved write counter at once)
 *   slot: | sequence i32 | status i32 | recordCount i32 | pad i32 | physicalOffset f64 |
 *         | queueOffset f64 | storeTimestampMs f64 | pad f64 |
 */
export const COMPLETION_SLOT_BYTES = 48;
const SLOT_INT32S = COMPLETION_SLOT_BYTES / 4;
const DRAINING_WORD = 24;
const SLOT_DOUBLES = COMPLETION_SLOT_BYTES / 8;

export const CompletionCode = { OK: 0, FLUSH_DISK_TIMEOUT: 1, NOT_WRITABLE: 2 } as const;
export type CompletionCode = (typeof CompletionCode)[keyof typeof CompletionCode];

/** Slot count is rounded up to a power of two so `counter % slotCount` survives 2^32 wrap. */
export function createCompletionRingBuffer(slotCount: number): SharedArrayBuffer {
  let slots = 1;
  while (slots < slotCount) slots *= 2;
  return new SharedArrayBuffer(RING_HEADER_BYTES + slots * COMPLETION_SLOT_BYTES);
}

export interface Completion {
  sequence: number;
  code: CompletionCode;
  recordCount: number;
  physicalOffset: number;
  queueOffset: number;
  storeTimestampMs: number;
}

class CompletionViews {
  readonly control: Int32Array;
  readonly words: Int32Array;
  readonly doubles: Float64Array;
  readonly slotCount: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.slotCount = (buffer.byteLength - RING_HEADER_BYTES) / COMPLETION_SLOT_BYTES;
    assert(Number.isInteger(this.slotCount) && this.slotCount > 0, 'bad completion ring size');
    assert((this.slotCount & (this.slotCount - 1)) === 0, 'completion slots must be a power of two');
    this.control = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    this.words = new Int32Array(buffer, RING_HEADER_BYTES);
    this.doubles = new Float64Array(buffer, RING_HEADER_BYTES);
  }
}

/** Worker half: writes completions, publishes them together, wakes the producer once. */
export class CompletionRingWriter extends CompletionViews {
  private writeCounter: number;
  private published: number;
  private notified: number;
  private firstQuietMs = 0;
  private readCounterSeen: number;

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.writeCounter = Atomics.load(this.control, WRITE_WORD) >>> 0;
    this.published = this.writeCounter;
    this.notified = this.writeCounter;
    this.readCounterSeen = Atomics.load(this.control, READ_WORD) >>> 0;
  }

  /** Producers bound their in-flight appends to the slot count, so this never overflows. */
  push(
    sequence: number, code: CompletionCode, recordCount: number,
    physicalOffset: number, queueOffset: number, storeTimestampMs: number,
  ): void {
    if (((this.writeCounter - this.readCounterSeen) >>> 0) >= this.slotCount) {
      this.readCounterSeen = Atomics.load(this.control, READ_WORD) >>> 0;
      assert(((this.writeCounter - this.readCounterSeen) >>> 0) < this.slotCount, 'completion ring overflow');
    }
    const slot = this.writeCounter & (this.slotCount - 1);
    const word = slot * SLOT_INT32S;
    const double = slot * SLOT_DOUBLES;
    this.words[word] = sequence;
    this.words[word + 1] = code;
    this.words[word + 2] = recordCount;
    this.doubles[double + 2] = physicalOffset;
    this.doubles[double + 3] = queueOffset;
    this.doubles[double + 4] = storeTimestampMs;
    this.writeCounter = (this.writeCounter + 1) >>> 0;
  }

  /** Makes pushed completions visible and notifies the producer (`publishQuietly` + `notify`). */
  publish(): void {
    this.publishQuietly(0);
    this.notify(true, 0);
  }

  /**
   * Makes pushed completions visible without waking the producer: a producer that is draining
   * or re-arming sees them, a sleeping one waits for `notify`.
   */
  publishQuietly(nowMs: number): void {
    if (this.published === this.writeCounter) return;
    if (this.published === this.notified) this.firstQuietMs = nowMs;
    this.published = this.writeCounter;
    Atomics.store(this.control, WRITE_WORD, this.writeCounter | 0);
  }

  /** Completions published but not yet notified. */
  get quietCount(): number {
    return (this.published - this.notified) >>> 0;
  }

  /**
   * Wakes the producer for the quiet completions when `force`, when at least `minCount` are
   * waiting, or when the oldest has waited `maxDelayMs`. A notify costs a system call and, on a
   * busy machine, often the CPU (the woken thread preempts the notifier), so a store worker
   * that has more work batches them. Skipped while the producer drains (it re-checks after).
   */
  notify(force: boolean, nowMs: number, minCount = 1, maxDelayMs = 0): void {
    const quiet = this.quietCount;
    if (quiet === 0) return;
    if (!force && quiet < minCount && nowMs - this.firstQuietMs < maxDelayMs) return;
    this.notified = this.published;
    if (Atomics.load(this.control, DRAINING_WORD) === 0) Atomics.notify(this.control, WRITE_WORD);
  }
}

/** Producer half. */
export class CompletionRingReader extends CompletionViews {
  private readCounter: number;
  private publishedRead: number;

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.readCounter = Atomics.load(this.control, READ_WORD) >>> 0;
    this.publishedRead = this.readCounter;
  }

  /**
   * The value to pass to Atomics.waitAsync on the write counter: what this reader has consumed.
   * Waiting on the *current* write counter instead would lose a wake-up when completions were
   * published but not yet drained (a sink that appends re-arms the wait mid-drain).
   */
  consumedCounter(): number {
    return this.readCounter | 0;
  }

  waitWordIndex(): number {
    return WRITE_WORD;
  }

  /**
   * Marks a drain in progress. After `setDraining(false)` the caller must re-arm its wait on
   * `consumedCounter()`: completions published meanwhile (not notified) then end it at once.
   */
  setDraining(draining: boolean): void {
    Atomics.store(this.control, DRAINING_WORD, draining ? 1 : 0);
  }

  /**
   * Reads every published completion into `sink`, freeing each slot before the sink runs (a
   * sink may append again, and the producer bounds appends by free slots). The shared read
   * counter is stored once, at the end, or earlier by `publishRead` (the producer calls it
   * before it publishes a request: the worker can complete that request only after seeing it,
   * so it always sees the slots freed before it; one shared store per drain, not per slot).
   */
  drain(sink: (completion: Completion) => void, scratch: Completion): number {
    const writeCounter = Atomics.load(this.control, WRITE_WORD) >>> 0;
    let count = 0;
    while (this.readCounter !== writeCounter) {
      const slot = this.readCounter & (this.slotCount - 1);
      const word = slot * SLOT_INT32S;
      const double = slot * SLOT_DOUBLES;
      scratch.sequence = this.words[word] as number;
      scratch.code = this.words[word + 1] as CompletionCode;
      scratch.recordCount = this.words[word + 2] as number;
      scratch.physicalOffset = this.doubles[double + 2] as number;
      scratch.queueOffset = this.doubles[double + 3] as number;
      scratch.storeTimestampMs = this.doubles[double + 4] as number;
      this.readCounter = (this.readCounter + 1) >>> 0;
      count++;
      sink(scratch);
    }
    this.publishRead();
    return count;
  }

  /** Stores the read counter when slots were consumed since the last store. */
  publishRead(): void {
    if (this.publishedRead === this.readCounter) return;
    this.publishedRead = this.readCounter;
    Atomics.store(this.control, READ_WORD, this.readCounter | 0);
  }
}
