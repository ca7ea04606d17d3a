import { assert } from '../common/assert.js';
import { Big, type SharedState } from './shared-state.js';

/**
 * The newest commit-log bytes in a SharedArrayBuffer, at `physicalOffset mod size`, so readers in
 * any thread serve hot pulls without touching the files.
 *
 * Writer (store worker only): before overwriting a region it advances the shared TAIL_START past
 * the bytes it is about to destroy, then copies. Reader: loads TAIL_START, copies, loads it
 * again; the copy is good only if the wanted range starts at or above both loads (a seqlock
 * without a lock). Readers also never ask beyond the published MAX_PHYSICAL.
 */
export class TailCache {
  private readonly bytes: Buffer;
  private readonly words: Int32Array;
  readonly sizeBytes: number;
  /** Writer only: bytes below this may be written without moving TAIL_START. */
  private writableEnd: number;
  private readonly invalidateStepBytes: number;

  constructor(readonly buffer: SharedArrayBuffer, private readonly state: SharedState) {
    this.sizeBytes = buffer.byteLength;
    assert(this.sizeBytes % 8 === 0, 'tail cache size must be a multiple of 8');
    this.bytes = Buffer.from(buffer);
    this.words = new Int32Array(buffer);
    this.invalidateStepBytes = Math.min(1024 * 1024, this.sizeBytes / 8);
    this.writableEnd = state.load(Big.TAIL_START) + this.sizeBytes;
  }

  /**
   * Writer, at start: touches every page of the cache once (a fresh SharedArrayBuffer is mapped
   * lazily, and a first touch costs a page fault: ~40x a write to a page in use). An atomic
   * add of 0 changes no byte, so readers of the cached range are not disturbed.
   */
  prefault(): void {
    const pageBytes = 4096;
    for (let position = 0; position < this.sizeBytes; position += pageBytes) {
      Atomics.add(this.words, position >> 2, 0);
    }
  }

  /** Writer (tail mode): the cache bytes, to write commit-log runs from. */
  get writerBytes(): Buffer {
    return this.bytes;
  }

  /** Writer: the bytes of [physicalOffset, physicalOffset + length) are `source[start...]`. */
  write(physicalOffset: number, source: Buffer, start: number, length: number): void {
    if (length === 0) return;
    if (length >= this.sizeBytes) {
      const skip = length - this.sizeBytes;
      this.write(physicalOffset + skip, source, start + skip, this.sizeBytes);
      return;
    }
    const end = physicalOffset + length;
    if (end > this.writableEnd) this.invalidateUpTo(end);
    const index = physicalOffset % this.sizeBytes;
    const firstPart = Math.min(length, this.sizeBytes - index);
    // TypedArray.set of a view: a plain memcpy (Buffer.copy adds checks in JS, per record here).
    // The `buffer` getter is a C++ call: read it once per source, not per record.
    if (source !== this.lastSource) {
      this.lastSource = source;
      this.lastSourceBuffer = source.buffer;
    }
    const from = source.byteOffset + start;
    this.bytes.set(new Uint8Array(this.lastSourceBuffer, from, firstPart), index);
    if (firstPart < length) this.bytes.set(new Uint8Array(this.lastSourceBuffer, from + firstPart, length - firstPart), 0);
  }

  private lastSource: Buffer | null = null;
  private lastSourceBuffer: ArrayBufferLike = new ArrayBuffer(0);

  /**
   * Moves TAIL_START so bytes up to `end` may be overwritten, in steps of `invalidateStepBytes`
   * past `end` (one shared store per step, not per record; readers lose at most one step of
   * old bytes early).
   */
  private invalidateUpTo(end: number): void {
    const writableEnd = end + this.invalidateStepBytes;
    const tailStart = writableEnd - this.sizeBytes;
    if (tailStart > this.state.load(Big.TAIL_START)) {
      this.beforeOverwrite?.(tailStart);
      this.state.store(Big.TAIL_START, tailStart);
    }
    this.writableEnd = writableEnd;
  }

  /**
   * Writer: called with the new tail start before the bytes below it may be overwritten. With
   * the committer thread (committer.ts) the cache is the source of the commit-log writes, so
   * the writer waits there until they are written.
   */
  beforeOverwrite: ((tailStart: number) => void) | null = null;

  /** Writer: [physicalOffset, physicalOffset + length) are zeros (the gap after a segment's blank). */
  zero(physicalOffset: number, length: number): void {
    if (length === 0) return;
    assert(length < this.sizeBytes, 'zeroed range must fit the tail cache');
    const end = physicalOffset + length;
    if (end > this.writableEnd) this.invalidateUpTo(end);
    const index = physicalOffset % this.sizeBytes;
    const firstPart = Math.min(length, this.sizeBytes - index);
    this.bytes.fill(0, index, index + firstPart);
    if (firstPart < length) this.bytes.fill(0, 0, length - firstPart);
  }

  /** Writer, after recovery: nothing below `physicalOffset` is cached. */
  reset(physicalOffset: number): void {
    this.state.store(Big.TAIL_START, physicalOffset);
    this.writableEnd = physicalOffset + this.sizeBytes;
  }

  /** Reader: copies the range into `target`; false when it is not (or no longer) cached. */
  read(physicalOffset: number, target: Buffer, targetPosition: number, length: number): boolean {
    if (length > this.sizeBytes) return false;
    if (physicalOffset < this.state.load(Big.TAIL_START)) return false;
    const index = physicalOffset % this.sizeBytes;
    const firstPart = Math.min(length, this.sizeBytes - index);
    this.bytes.copy(target, targetPosition, index, index + firstPart);
    if (firstPart < length) this.bytes.copy(target, targetPosition + firstPart, 0, length - firstPart);
    return physicalOffset >= this.state.load(Big.TAIL_START);
  }
}
