import * as fs from 'node:fs';

/**
 * The file operations the store uses, as an interface so tests can inject faults
 * (test/helpers/faulty-file.ts: failing writes/fsyncs, torn writes, ENOSPC). All synchronous:
 * the store worker and the flusher are dedicated threads, and readers run inside worker tasks.
 */
export interface FileIo {
  open(path: string, flags: 'r' | 'r+' | 'w+'): number;
  close(fd: number): void;
  /** Positional write; returns bytes written (a short write is an error for the caller). */
  write(fd: number, buffer: Uint8Array, bufferPosition: number, length: number, filePosition: number): number;
  read(fd: number, buffer: Uint8Array, bufferPosition: number, length: number, filePosition: number): number;
  fdatasync(fd: number): void;
  truncate(fd: number, sizeBytes: number): void;
  sizeOf(fd: number): number;
  exists(path: string): boolean;
  mkdir(path: string): void;
  list(dir: string): string[];
  unlink(path: string): void;
  rmdir(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
  /** Fraction of the file system's space in use (0..1). */
  usedRatio(path: string): number;
  modifiedMs(path: string): number;
}

export const nodeFileIo: FileIo = {
  open: (path, flags) => fs.openSync(path, flags),
  close: (fd) => fs.closeSync(fd),
  write: (fd, buffer, bufferPosition, length, filePosition) =>
    fs.writeSync(fd, buffer, bufferPosition, length, filePosition),
  read: (fd, buffer, bufferPosition, length, filePosition) =>
    fs.readSync(fd, buffer, bufferPosition, length, filePosition),
  fdatasync: (fd) => fs.fdatasyncSync(fd),
  truncate: (fd, sizeBytes) => fs.ftruncateSync(fd, sizeBytes),
  sizeOf: (fd) => fs.fstatSync(fd).size,
  exists: (path) => fs.existsSync(path),
  mkdir: (path) => {
    fs.mkdirSync(path, { recursive: true });
  },
  list: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []),
  unlink: (path) => fs.rmSync(path, { force: true }),
  rmdir: (path) => fs.rmSync(path, { recursive: true, force: true }),
  writeFile: (path, data) => fs.writeFileSync(path, data),
  usedRatio: (path) => {
    const stats = fs.statfsSync(path);
    return stats.blocks === 0 ? 0 : 1 - stats.bavail / stats.blocks;
  },
  modifiedMs: (path) => fs.statSync(path).mtimeMs,
};

/** Writes all of `length` bytes or throws (a short write means the disk is full). */
export function writeFully(
  io: FileIo, fd: number, buffer: Uint8Array, bufferPosition: number, length: number, filePosition: number,
): void {
  let done = 0;
  while (done < length) {
    const written = io.write(fd, buffer, bufferPosition + done, length - done, filePosition + done);
    if (written <= 0) {
      throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    }
    done += written;
  }
}

/** Reads up to `length` bytes; returns how many were read (fewer at end of file). */
export function readFully(
  io: FileIo, fd: number, buffer: Uint8Array, bufferPosition: number, length: number, filePosition: number,
): number {
  let done = 0;
  while (done < length) {
    const read = io.read(fd, buffer, bufferPosition + done, length - done, filePosition + done);
    if (read <= 0) break;
    done += read;
  }
  return done;
}

/** 20-digit zero-padded name of a file starting at `startOffset` (RocketMQ's naming). */
export function offsetFileName(startOffset: number): string {
  return String(startOffset).padStart(20, '0');
}

/** Sorted start offsets of the 20-digit-named files in `dir`. */
export function listOffsetFiles(io: FileIo, dir: string): number[] {
  return io.list(dir)
    .filter((name) => /^\d{20}$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}
