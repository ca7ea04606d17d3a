// A fault-injecting FileIo (STYLE §10): wraps the real file operations and fails writes with
// ENOSPC after a byte budget, fails fdatasync, or tears one write at a chosen byte, for paths
// matching a filter. Used by the store's disk-full and torn-write tests.
import type { FileIo } from '../../src/store/file-io.js';
import { nodeFileIo } from '../../src/store/file-io.js';

export interface FaultPlan {
  /** Only paths containing this string are affected (default: every path). */
  pathIncludes?: string;
  /** Total bytes that may still be written to affected files; then writes fail with ENOSPC. */
  writeBudgetBytes?: number;
  /** When set, the next affected write stores only this many bytes and then fails with EIO. */
  tearNextWriteAtByte?: number | undefined;
  failFdatasync?: boolean;
}

export class FaultyFileIo implements FileIo {
  private readonly paths = new Map<number, string>();
  writesFailed = 0;

  constructor(public plan: FaultPlan = {}, private readonly inner: FileIo = nodeFileIo) {}

  private affected(fd: number): boolean {
    const path = this.paths.get(fd) ?? '';
    return this.plan.pathIncludes === undefined || path.includes(this.plan.pathIncludes);
  }

  open(path: string, flags: 'r' | 'r+' | 'w+'): number {
    const fd = this.inner.open(path, flags);
    this.paths.set(fd, path);
    return fd;
  }

  close(fd: number): void {
    this.paths.delete(fd);
    this.inner.close(fd);
  }

  write(fd: number, buffer: Uint8Array, bufferPosition: number, length: number, filePosition: number): number {
    if (this.affected(fd)) {
      const tearAt = this.plan.tearNextWriteAtByte;
      if (tearAt !== undefined) {
        this.plan.tearNextWriteAtByte = undefined;
        if (tearAt > 0) this.inner.write(fd, buffer, bufferPosition, Math.min(tearAt, length), filePosition);
        this.writesFailed++;
        throw Object.assign(new Error('EIO: injected torn write'), { code: 'EIO' });
      }
      const budget = this.plan.writeBudgetBytes;
      if (budget !== undefined) {
        if (budget < length) {
          if (budget > 0) this.inner.write(fd, buffer, bufferPosition, budget, filePosition);
          this.plan.writeBudgetBytes = 0;
          this.writesFailed++;
          throw Object.assign(new Error('ENOSPC: injected disk full'), { code: 'ENOSPC' });
        }
        this.plan.writeBudgetBytes = budget - length;
      }
    }
    return this.inner.write(fd, buffer, bufferPosition, length, filePosition);
  }

  read(fd: number, buffer: Uint8Array, bufferPosition: number, length: number, filePosition: number): number {
    return this.inner.read(fd, buffer, bufferPosition, length, filePosition);
  }

  fdatasync(fd: number): void {
    if (this.plan.failFdatasync === true && this.affected(fd)) {
      throw Object.assign(new Error('EIO: injected fdatasync failure'), { code: 'EIO' });
    }
    this.inner.fdatasync(fd);
  }

  truncate(fd: number, sizeBytes: number): void {
    this.inner.truncate(fd, sizeBytes);
  }

  sizeOf(fd: number): number {
    return this.inner.sizeOf(fd);
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }

  mkdir(path: string): void {
    this.inner.mkdir(path);
  }

  list(dir: string): string[] {
    return this.inner.list(dir);
  }

  unlink(path: string): void {
    this.inner.unlink(path);
  }

  rmdir(path: string): void {
    this.inner.rmdir(path);
  }

  writeFile(path: string, data: Uint8Array): void {
    this.inner.writeFile(path, data);
  }

  usedRatio(path: string): number {
    return this.inner.usedRatio(path);
  }

  modifiedMs(path: string): number {
    return this.inner.modifiedMs(path);
  }
}
