import { assert } from '../common/assert.js';

/**
 * The store's control block in one SharedArrayBuffer, shared by the store worker (the only
 * writer of everything below except the wake words), the flusher, producers and readers.
 *
 *   bytes 0..63      Int32 words (Word.*): wake counters, sleeping flag, health bits, counts
 *   bytes 64..255    BigInt64 values (Big.*): published offsets, stats, index progress
 *   then, per slot (queueSlotsMax of them):
 *     Int32  x4  | state (0 free, 1 live, 2 deleted) | queueId | change counter | topic bytes |
 *     BigInt64 x2| maxQueueOffset | minQueueOffset |
 *     Uint8 x128 | topic name (ASCII/UTF-8, <= 127 bytes) |
 *
 * Ordering: the worker writes files and the tail cache first and publishes with Atomics.store
 * (sequentially consistent), so a reader that Atomics.loads a max offset sees every byte below it.
 */
export const Word = {
  /** Bumped (then notified) by anyone who wants the store worker to look again. */
  WAKE: 0,
  /** 1 while the worker is about to sleep or sleeping; producers notify only then. */
  SLEEPING: 1,
  /** Bumped by the worker when the flusher has new bytes to flush, or on stop. */
  FLUSH_WAKE: 2,
  /** Bumped after every publish; long-pollers wait on it. */
  CHANGE_SEQUENCE: 3,
  HEALTH: 4,
  SLOT_COUNT: 5,
  FLUSHER_STOP: 6,
  /** Bumped when the index slot table is reset for a new index file. */
  INDEX_GENERATION: 7,
  /** Entries in the current index file (1-based like RocketMQ: slot 0 unused). */
  INDEX_COUNT: 8,
  /** Bumped (then notified) by the store worker when the committer has bytes to write. */
  COMMIT_WAKE: 9,
  /** 1 while the committer is about to sleep or sleeping; the worker notifies only then. */
  COMMITTER_SLEEPING: 10,
  /** Set by the main thread to end the committer (after the store drained). */
  COMMITTER_STOP: 11,
  /** Set by the committer when a commit-log write failed (it writes nothing more). */
  COMMIT_FAILED: 12,
  WORDS: 16,
} as const;

export const Big = {
  MAX_PHYSICAL: 0,
  FLUSHED_PHYSICAL: 1,
  MIN_PHYSICAL: 2,
  /** Lowest physical offset whose bytes are still valid in the tail cache. */
  TAIL_START: 3,
  PUT_MESSAGES: 4,
  PUT_BYTES: 5,
  /** Store timestamp of the newest record written. */
  LAST_STORE_TIMESTAMP: 6,
  INDEX_BEGIN_TIMESTAMP: 7,
  INDEX_END_TIMESTAMP: 8,
  INDEX_END_PHYSICAL: 9,
  /** The current index file's 17-digit name, as its first 9 and last 8 digits. */
  INDEX_NAME_HIGH: 10,
  INDEX_NAME_LOW: 11,
  /** Batches committed (PUT_MESSAGES / BATCHES = mean batch size). */
  BATCHES: 12,
  /**
   * Commit-log end in the page cache (pwritten). Equal to MAX_PHYSICAL after each batch when the
   * worker writes itself; behind it while the committer thread (committer.ts) catches up.
   */
  WRITTEN_PHYSICAL: 13,
  VALUES: 24,
} as const;

export const Health = {
  NOT_WRITABLE: 1,
  DISK_FULL: 2,
  IO_ERROR: 4,
  CLOSING: 8,
} as const;

export const SlotState = { FREE: 0, LIVE: 1, DELETED: 2 } as const;

const WORDS_BYTES = 64;
const VALUES_BYTES = Big.VALUES * 8;
const SLOT_WORDS = 4;
const SLOT_VALUES = 2;
export const TOPIC_BYTES_MAX = 127;
const SLOT_TOPIC_BYTES = 128;

assert(Word.WORDS * 4 === WORDS_BYTES, 'control words fill 64 bytes');

export function controlBytes(queueSlotsMax: number): number {
  return WORDS_BYTES + VALUES_BYTES + queueSlotsMax * (SLOT_WORDS * 4 + SLOT_VALUES * 8 + SLOT_TOPIC_BYTES);
}

/** Typed views over the control SAB; cheap to construct in every thread. */
export class SharedState {
  readonly words: Int32Array;
  readonly values: BigInt64Array;
  readonly slotWords: Int32Array;
  readonly slotValues: BigInt64Array;
  readonly slotTopics: Uint8Array;
  readonly slotsMax: number;

  constructor(readonly buffer: SharedArrayBuffer, queueSlotsMax: number) {
    assert(buffer.byteLength === controlBytes(queueSlotsMax), 'control SAB size mismatch');
    this.slotsMax = queueSlotsMax;
    this.words = new Int32Array(buffer, 0, Word.WORDS);
    this.values = new BigInt64Array(buffer, WORDS_BYTES, Big.VALUES);
    let position = WORDS_BYTES + VALUES_BYTES;
    this.slotValues = new BigInt64Array(buffer, position, queueSlotsMax * SLOT_VALUES);
    position += queueSlotsMax * SLOT_VALUES * 8;
    this.slotWords = new Int32Array(buffer, position, queueSlotsMax * SLOT_WORDS);
    position += queueSlotsMax * SLOT_WORDS * 4;
    this.slotTopics = new Uint8Array(buffer, position, queueSlotsMax * SLOT_TOPIC_BYTES);
  }

  static create(queueSlotsMax: number): SharedState {
    return new SharedState(new SharedArrayBuffer(controlBytes(queueSlotsMax)), queueSlotsMax);
  }

  load(index: number): number {
    return Number(Atomics.load(this.values, index));
  }

  store(index: number, value: number): void {
    assert(Number.isSafeInteger(value), 'shared value must be a safe integer');
    Atomics.store(this.values, index, BigInt(value));
  }

  add(index: number, delta: number): void {
    Atomics.add(this.values, index, BigInt(delta));
  }

  health(): number {
    return Atomics.load(this.words, Word.HEALTH);
  }

  setHealth(bits: number): void {
    Atomics.or(this.words, Word.HEALTH, bits);
  }

  clearHealth(bits: number): void {
    Atomics.and(this.words, Word.HEALTH, ~bits);
  }

  /** Wakes the store worker (used by producers when it sleeps, the flusher and the main thread). */
  wakeWorker(): void {
    Atomics.add(this.words, Word.WAKE, 1);
    Atomics.notify(this.words, Word.WAKE);
  }

  wakeFlusher(): void {
    Atomics.add(this.words, Word.FLUSH_WAKE, 1);
    Atomics.notify(this.words, Word.FLUSH_WAKE);
  }

  slotCount(): number {
    return Atomics.load(this.words, Word.SLOT_COUNT);
  }

  slotState(slot: number): number {
    return Atomics.load(this.slotWords, slot * SLOT_WORDS);
  }

  slotQueueId(slot: number): number {
    return this.slotWords[slot * SLOT_WORDS + 1] as number;
  }

  slotTopic(slot: number): string {
    const length = this.slotWords[slot * SLOT_WORDS + 3] as number;
    const start = slot * SLOT_TOPIC_BYTES;
    return Buffer.from(this.slotTopics.buffer, this.slotTopics.byteOffset + start, length).toString('utf8');
  }

  /** Index of the slot's change counter in `slotWords` (for Atomics.waitAsync). */
  slotChangeWord(slot: number): number {
    return slot * SLOT_WORDS + 2;
  }

  maxQueueOffset(slot: number): number {
    return Number(Atomics.load(this.slotValues, slot * SLOT_VALUES));
  }

  minQueueOffset(slot: number): number {
    return Number(Atomics.load(this.slotValues, slot * SLOT_VALUES + 1));
  }

  /** Worker only: fills a new slot, then publishes it by bumping the slot count. */
  assignSlot(slot: number, topic: string, queueId: number, minQueueOffset: number, maxQueueOffset: number): void {
    assert(slot === this.slotCount(), 'slots are assigned in order');
    assert(slot < this.slotsMax, 'queue slot table full');
    const topicBytes = Buffer.from(topic, 'utf8');
    assert(topicBytes.length <= TOPIC_BYTES_MAX, 'topic too long');
    this.slotTopics.set(topicBytes, slot * SLOT_TOPIC_BYTES);
    this.slotWords[slot * SLOT_WORDS + 1] = queueId;
    this.slotWords[slot * SLOT_WORDS + 3] = topicBytes.length;
    Atomics.store(this.slotValues, slot * SLOT_VALUES, BigInt(maxQueueOffset));
    Atomics.store(this.slotValues, slot * SLOT_VALUES + 1, BigInt(minQueueOffset));
    Atomics.store(this.slotWords, slot * SLOT_WORDS, SlotState.LIVE);
    Atomics.store(this.words, Word.SLOT_COUNT, slot + 1);
  }

  /** Worker only. */
  publishQueue(slot: number, maxQueueOffset: number): void {
    Atomics.store(this.slotValues, slot * SLOT_VALUES, BigInt(maxQueueOffset));
    Atomics.add(this.slotWords, slot * SLOT_WORDS + 2, 1);
  }

  /** Worker only. */
  publishQueueMin(slot: number, minQueueOffset: number): void {
    Atomics.store(this.slotValues, slot * SLOT_VALUES + 1, BigInt(minQueueOffset));
  }

  /** Worker only. */
  markSlotDeleted(slot: number): void {
    Atomics.store(this.slotWords, slot * SLOT_WORDS, SlotState.DELETED);
    Atomics.add(this.slotWords, slot * SLOT_WORDS + 2, 1);
  }

  /** Worker only: after publishing offsets, wake every long-poller once. */
  announceChange(): void {
    Atomics.add(this.words, Word.CHANGE_SEQUENCE, 1);
    Atomics.notify(this.words, Word.CHANGE_SEQUENCE);
  }
}

/**
 * A thread-local `(topic, queueId) -> slot` cache over the shared slot table. Slots are
 * append-only, so a miss only scans the slots added since the last scan.
 */
export class SlotDirectory {
  private readonly slots = new Map<string, number>();
  private scannedCount = 0;

  constructor(private readonly state: SharedState) {}

  find(topic: string, queueId: number): number {
    const key = slotKey(topic, queueId);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      this.scan();
      slot = this.slots.get(key);
      if (slot === undefined) return -1;
    }
    if (this.state.slotState(slot) !== SlotState.LIVE) {
      this.slots.delete(key);
      return this.rescanFor(key);
    }
    return slot;
  }

  /** Every live slot (admin listings). */
  live(): number[] {
    this.scan();
    const result: number[] = [];
    for (let slot = 0; slot < this.scannedCount; slot++) {
      if (this.state.slotState(slot) === SlotState.LIVE) result.push(slot);
    }
    return result;
  }

  private scan(): void {
    const count = this.state.slotCount();
    for (let slot = this.scannedCount; slot < count; slot++) {
      if (this.state.slotState(slot) !== SlotState.LIVE) continue;
      this.slots.set(slotKey(this.state.slotTopic(slot), this.state.slotQueueId(slot)), slot);
    }
    this.scannedCount = count;
  }

  /** A deleted slot may have been re-created later under a new slot number. */
  private rescanFor(key: string): number {
    const count = this.state.slotCount();
    for (let slot = count - 1; slot >= 0; slot--) {
      if (this.state.slotState(slot) !== SlotState.LIVE) continue;
      if (slotKey(this.state.slotTopic(slot), this.state.slotQueueId(slot)) === key) {
        this.slots.set(key, slot);
        return slot;
      }
    }
    return -1;
  }
}

export function slotKey(topic: string, queueId: number): string {
  return `${topic}\u0001${queueId}`;
}
