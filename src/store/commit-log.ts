import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { BLANK_MAGIC, BLANK_RECORD_BYTES } from '../protocol/record-layout.js';
import { type FileIo, offsetFileName, readFully, writeFully } from './file-io.js';

/**
 * Commit-log segments: `commitlog/<20-digit base offset>`, each preallocated (ftruncate) to
 * `segmentBytes` and written in place with positional writes. A record never spans two segments:
 * when one does not fit (with 8 spare bytes), the segment ends with an 8-byte blank record
 * `| TOTALSIZE = bytes left | MAGIC = 0xCBD43194 |` and the record starts the next segment
 * (reference §3.2).
 *
 * Durability: `writeRun` returning means the bytes are in the page cache; the flusher's
 * fdatasync of the segment makes them durable. Owner: the store worker (writes); readers open
 * segments read-only through their own `FdCache`.
 */
export class CommitLogFiles {
  private currentBase = -1;
  private currentFd = -1;

  constructor(private readonly io: FileIo, readonly dir: string, readonly segmentBytes: number) {
    assert(segmentBytes >= 1024, 'segments are at least 1 KiB');
  }

  segmentBase(physicalOffset: number): number {
    return physicalOffset - (physicalOffset % this.segmentBytes);
  }

  path(base: number): string {
    return join(this.dir, offsetFileName(base));
  }

  /** Writes `length` bytes of `source` at `physicalOffset`; the range stays inside one segment. */
  writeRun(physicalOffset: number, source: Uint8Array, start: number, length: number): void {
    const base = this.segmentBase(physicalOffset);
    assert(physicalOffset + length <= base + this.segmentBytes, 'a run never crosses a segment end');
    const fd = this.openForWrite(base);
    writeFully(this.io, fd, source, start, length, physicalOffset - base);
  }

  /** Opens (creating and preallocating if new) the segment at `base`. */
  openForWrite(base: number): number {
    if (base === this.currentBase) return this.currentFd;
    this.closeCurrent();
    const path = this.path(base);
    const isNew = !this.io.exists(path);
    const fd = this.io.open(path, isNew ? 'w+' : 'r+');
    if (isNew || this.io.sizeOf(fd) < this.segmentBytes) this.io.truncate(fd, this.segmentBytes);
    this.currentBase = base;
    this.currentFd = fd;
    return fd;
  }

  closeCurrent(): void {
    if (this.currentFd >= 0) this.io.close(this.currentFd);
    this.currentFd = -1;
    this.currentBase = -1;
  }

  /**
   * After recovery: zero everything at and after `endOffset` in its segment (truncate, then
   * preallocate again, which the kernel zero-fills) and delete later segments, so a later scan
   * can never run into bytes from before the crash.
   */
  cutTail(endOffset: number): void {
    const base = this.segmentBase(endOffset);
    for (const segment of this.segments()) {
      if (segment > base) this.io.unlink(this.path(segment));
    }
    if (!this.io.exists(this.path(base))) return;
    this.closeCurrent();
    const fd = this.io.open(this.path(base), 'r+');
    try {
      this.io.truncate(fd, endOffset - base);
      this.io.truncate(fd, this.segmentBytes);
      this.io.fdatasync(fd);
    } finally {
      this.io.close(fd);
    }
  }

  segments(): number[] {
    return listSegments(this.io, this.dir);
  }

  deleteSegment(base: number): void {
    if (base === this.currentBase) this.closeCurrent();
    this.io.unlink(this.path(base));
  }
}

export function listSegments(io: FileIo, dir: string): number[] {
  return io.list(dir).filter((name) => /^\d{20}$/.test(name)).map(Number).sort((a, b) => a - b);
}

/** Writes the blank end-of-segment record into `target` at `position`. */
export function writeBlank(target: Buffer, position: number, bytesLeft: number): void {
  assert(bytesLeft >= BLANK_RECORD_BYTES, 'a blank needs 8 bytes');
  target.writeInt32BE(bytesLeft, position);
  target.writeInt32BE(BLANK_MAGIC, position + 4);
}

/**
 * Open read-only file descriptors, least recently used closed first (bounded: STYLE §0). A
 * deleted file's open descriptor still reads its old bytes; callers check min offsets first.
 */
export class FdCache {
  private readonly fds = new Map<string, number>();

  constructor(private readonly io: FileIo, private readonly capacity = 64) {}

  /** Descriptor for `path`, or -1 when the file does not exist. */
  get(path: string): number {
    const cached = this.fds.get(path);
    if (cached !== undefined) {
      this.fds.delete(path);
      this.fds.set(path, cached);
      return cached;
    }
    let fd: number;
    try {
      fd = this.io.open(path, 'r');
    } catch {
      return -1;
    }
    if (this.fds.size >= this.capacity) {
      const [oldestPath, oldestFd] = this.fds.entries().next().value as [string, number];
      this.fds.delete(oldestPath);
      this.io.close(oldestFd);
    }
    this.fds.set(path, fd);
    return fd;
  }

  forget(path: string): void {
    const fd = this.fds.get(path);
    if (fd === undefined) return;
    this.fds.delete(path);
    this.io.close(fd);
  }

  closeAll(): void {
    for (const fd of this.fds.values()) this.io.close(fd);
    this.fds.clear();
  }
}

/** Reads commit-log bytes from the segment files; returns bytes read (short at a missing file). */
export function readCommitLog(
  io: FileIo, fds: FdCache, dir: string, segmentBytes: number,
  physicalOffset: number, target: Buffer, targetPosition: number, length: number,
): number {
  const base = physicalOffset - (physicalOffset % segmentBytes);
  assert(physicalOffset + length <= base + segmentBytes, 'a read never crosses a segment end');
  const fd = fds.get(join(dir, offsetFileName(base)));
  if (fd < 0) return 0;
  return readFully(io, fd, target, targetPosition, length, physicalOffset - base);
}
