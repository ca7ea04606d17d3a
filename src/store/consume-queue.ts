import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { type FdCache } from './commit-log.js';
import { type FileIo, listOffsetFiles, offsetFileName, readFully, writeFully } from './file-io.js';
import { readI64, writeI64 } from './record-access.js';

/**
 * Consume queues: `consumequeue/<topic>/<queueId>/<20-digit start byte>` files of
 * `cqFileBytes` (default 300000 entries), each entry 20 bytes (reference §3.7):
 *
 *   | physicalOffset i64 | sizeBytes i32 | tagsCode i64 |
 *
 * Queue offset n lives at byte n*20 of the queue. An all-zero entry is empty (a record is never
 * 0 bytes). Consume queues are derived data: crash recovery rebuilds their tails from the commit
 * log. Owner: the store worker writes; readers read entries below the published max offset.
 * Durability: entries reach the page cache on write; the flusher fsyncs touched files every
 * `flushIntervalConsumeQueue` before advancing the checkpoint.
 */
export const CQ_ENTRY_BYTES = 20;
assert(CQ_ENTRY_BYTES === 8 + 4 + 8, 'consume-queue entry layout changed');

export function queueDir(consumeQueueDir: string, topic: string, queueId: number): string {
  return join(consumeQueueDir, topic, String(queueId));
}

export function writeEntry(target: Buffer, position: number, physicalOffset: number, sizeBytes: number, tagsCode: number): void {
  writeI64(target, position, physicalOffset);
  target.writeInt32BE(sizeBytes, position + 8);
  writeI64(target, position + 12, tagsCode);
}

export function entryPhysicalOffset(source: Buffer, position: number): number {
  return readI64(source, position);
}

export function entrySize(source: Buffer, position: number): number {
  return source.readInt32BE(position + 8);
}

export function entryTagsCode(source: Buffer, position: number): number {
  return readI64(source, position + 12);
}

/** Bounded pool of writable descriptors for consume-queue files (many queues, few fds). */
export class WriteFdPool {
  private readonly fds = new Map<string, number>();

  constructor(private readonly io: FileIo, private readonly fileBytes: number, private readonly capacity = 256) {}

  get(path: string): number {
    const cached = this.fds.get(path);
    if (cached !== undefined) {
      this.fds.delete(path);
      this.fds.set(path, cached);
      return cached;
    }
    const isNew = !this.io.exists(path);
    const fd = this.io.open(path, isNew ? 'w+' : 'r+');
    if (isNew) this.io.truncate(fd, this.fileBytes);
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

  forgetUnder(dir: string): void {
    for (const path of [...this.fds.keys()]) if (path.startsWith(dir)) this.forget(path);
  }

  closeAll(): void {
    for (const fd of this.fds.values()) this.io.close(fd);
    this.fds.clear();
  }
}

/** Geometry shared by the writer and readers of one store. */
export class QueueGeometry {
  readonly entriesPerFile: number;

  constructor(readonly fileBytes: number) {
    assert(fileBytes % CQ_ENTRY_BYTES === 0, 'consume-queue file size is a whole number of entries');
    this.entriesPerFile = fileBytes / CQ_ENTRY_BYTES;
  }

  fileStart(queueOffset: number): number {
    return (queueOffset - (queueOffset % this.entriesPerFile)) * CQ_ENTRY_BYTES;
  }

  path(dir: string, queueOffset: number): string {
    return join(dir, offsetFileName(this.fileStart(queueOffset)));
  }

  /** Writes `count` staged entries starting at `firstQueueOffset`, splitting at file ends. */
  writeEntries(io: FileIo, pool: WriteFdPool, dir: string, staged: Buffer, firstQueueOffset: number, count: number): string[] {
    const touched: string[] = [];
    let done = 0;
    while (done < count) {
      const queueOffset = firstQueueOffset + done;
      const inFile = Math.min(count - done, this.entriesPerFile - (queueOffset % this.entriesPerFile));
      const path = this.path(dir, queueOffset);
      const fd = pool.get(path);
      const position = (queueOffset % this.entriesPerFile) * CQ_ENTRY_BYTES;
      writeFully(io, fd, staged, done * CQ_ENTRY_BYTES, inFile * CQ_ENTRY_BYTES, position);
      touched.push(path);
      done += inFile;
    }
    return touched;
  }

  /** Reads up to `count` entries at `queueOffset` (stops at a file end); returns entries read. */
  readEntries(io: FileIo, fds: FdCache, dir: string, queueOffset: number, count: number, target: Buffer): number {
    const inFile = Math.min(count, this.entriesPerFile - (queueOffset % this.entriesPerFile));
    const fd = fds.get(this.path(dir, queueOffset));
    if (fd < 0) return 0;
    const position = (queueOffset % this.entriesPerFile) * CQ_ENTRY_BYTES;
    const bytes = readFully(io, fd, target, 0, inFile * CQ_ENTRY_BYTES, position);
    return Math.floor(bytes / CQ_ENTRY_BYTES);
  }
}

export interface QueueBounds {
  /** First queue offset of the first file (entries below are gone). */
  firstFileOffset: number;
  /** Next queue offset to write (= count of entries ever written). */
  maxQueueOffset: number;
}

/**
 * Finds a queue's extent from its files: the last non-empty entry of the last file (binary
 * search; entries are contiguous from a file's start). Empty trailing files are removed.
 */
export function loadQueueBounds(io: FileIo, geometry: QueueGeometry, dir: string): QueueBounds | null {
  const starts = listOffsetFiles(io, dir);
  if (starts.length === 0) return null;
  const firstFileOffset = (starts[0] as number) / CQ_ENTRY_BYTES;
  const entry = Buffer.alloc(CQ_ENTRY_BYTES);
  for (let i = starts.length - 1; i >= 0; i--) {
    const start = starts[i] as number;
    const path = join(dir, offsetFileName(start));
    const fd = io.open(path, 'r');
    let count: number;
    try {
      count = countEntries(io, fd, geometry.entriesPerFile, entry);
    } finally {
      io.close(fd);
    }
    if (count > 0 || i === 0) return { firstFileOffset, maxQueueOffset: start / CQ_ENTRY_BYTES + count };
    io.unlink(path);
  }
  return null;
}

function countEntries(io: FileIo, fd: number, entriesPerFile: number, entry: Buffer): number {
  let low = 0;
  let high = entriesPerFile;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const read = readFully(io, fd, entry, 0, CQ_ENTRY_BYTES, middle * CQ_ENTRY_BYTES);
    const present = read === CQ_ENTRY_BYTES && entrySize(entry, 0) !== 0;
    if (present) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Removes entries at and after `queueOffset` (recovery): later files are deleted, the file
 * holding it is cut and re-extended (zero-filled by the kernel).
 */
export function truncateQueue(io: FileIo, geometry: QueueGeometry, pool: WriteFdPool, dir: string, queueOffset: number): void {
  const cutStart = geometry.fileStart(queueOffset);
  for (const start of listOffsetFiles(io, dir)) {
    const path = join(dir, offsetFileName(start));
    if (start > cutStart) {
      pool.forget(path);
      io.unlink(path);
    } else if (start === cutStart) {
      const fd = pool.get(path);
      io.truncate(fd, (queueOffset % geometry.entriesPerFile) * CQ_ENTRY_BYTES);
      io.truncate(fd, geometry.fileBytes);
    }
  }
}
