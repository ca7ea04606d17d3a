import { join } from 'node:path';
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { CheckpointRequest } from '../../workers/messages.js';
import { writeCheckpoint } from './checkpoint.js';
import type { StoreLayout } from './config.js';
import { type FileIo, offsetFileName } from './file-io.js';
import { Big, Health, type SharedState, Word } from './shared-state.js';

/**
 * The flusher thread's loop (workers/flusher.worker.ts wires it up). It owns every fdatasync so
 * the store worker never blocks on the disk:
 *
 * - SYNC_FLUSH (group commit): woken by the worker after each batch; one fdatasync covers all
 *   bytes written when it starts; then FLUSHED_PHYSICAL advances and the worker is woken to
 *   release every completion that flush covered.
 * - ASYNC_FLUSH: every `flushIntervalCommitLog` when at least `flushCommitLogLeastPages` pages
 *   are dirty, and at least every `flushCommitLogThoroughInterval`.
 * - Checkpoint requests from the worker: fsync the listed consume-queue and index files, then
 *   write the checkpoint (flushed offset + the derived-data offsets).
 *
 * A failed fdatasync marks the store not writable (IO_ERROR) and FLUSHED_PHYSICAL stays put, so
 * SYNC_FLUSH appends time out with FLUSH_DISK_TIMEOUT rather than being acknowledged.
 */
export class FlusherService {
  private flushedPhysical: number;
  private physicTimestampMs = 0;
  private lastFlushMs: number;
  private lastThoroughMs: number;
  private segmentBase = -1;
  private segmentFd = -1;
  private failed = false;

  constructor(
    private readonly layout: StoreLayout,
    private readonly io: FileIo,
    private readonly shared: SharedState,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly workerPort: MessagePort,
  ) {
    this.flushedPhysical = shared.load(Big.FLUSHED_PHYSICAL);
    this.lastFlushMs = clock.nowMs();
    this.lastThoroughMs = this.lastFlushMs;
  }

  run(): void {
    for (;;) {
      const wakeSeen = Atomics.load(this.shared.words, Word.FLUSH_WAKE);
      const stop = Atomics.load(this.shared.words, Word.FLUSHER_STOP) === 1;
      this.flushIfDue(stop);
      this.handleCheckpoints();
      if (stop) break;
      const waitMs = this.layout.syncFlush ? 1000 : this.layout.flushIntervalMs;
      Atomics.wait(this.shared.words, Word.FLUSH_WAKE, wakeSeen, waitMs);
    }
    this.closeSegment();
  }

  private flushIfDue(force: boolean): void {
    // What is in the page cache: MAX_PHYSICAL, or behind it while the committer thread writes.
    const target = this.shared.load(Big.WRITTEN_PHYSICAL);
    if (target <= this.flushedPhysical || this.failed) return;
    const nowMs = this.clock.nowMs();
    if (!this.layout.syncFlush && !force) {
      const dirtyBytes = target - this.flushedPhysical;
      const timed = nowMs - this.lastFlushMs >= this.layout.flushIntervalMs && dirtyBytes >= this.layout.flushLeastBytes;
      const thorough = nowMs - this.lastThoroughMs >= this.layout.flushThoroughIntervalMs;
      if (!timed && !thorough) return;
    }
    const storeTimestampMs = this.shared.load(Big.LAST_STORE_TIMESTAMP);
    try {
      this.flushRange(this.flushedPhysical, target);
    } catch (error) {
      this.failed = true;
      this.shared.setHealth(Health.NOT_WRITABLE | Health.IO_ERROR);
      this.logger.error({ err: error }, 'commit-log fdatasync failed; store not writable');
      return;
    }
    this.flushedPhysical = target;
    this.physicTimestampMs = storeTimestampMs;
    this.lastFlushMs = nowMs;
    this.lastThoroughMs = nowMs;
    this.shared.store(Big.FLUSHED_PHYSICAL, target);
    this.shared.wakeWorker();
  }

  /** fdatasync every segment holding bytes of [fromPhysical, toPhysical). */
  private flushRange(fromPhysical: number, toPhysical: number): void {
    const segmentBytes = this.layout.segmentBytes;
    let base = fromPhysical - (fromPhysical % segmentBytes);
    const lastBase = (toPhysical - 1) - ((toPhysical - 1) % segmentBytes);
    for (; base <= lastBase; base += segmentBytes) {
      const fd = this.segment(base);
      if (fd >= 0) this.io.fdatasync(fd);
    }
  }

  private segment(base: number): number {
    if (base === this.segmentBase) return this.segmentFd;
    this.closeSegment();
    const path = join(this.layout.commitLogDir, offsetFileName(base));
    if (!this.io.exists(path)) return -1;
    this.segmentFd = this.io.open(path, 'r+');
    this.segmentBase = base;
    return this.segmentFd;
  }

  private closeSegment(): void {
    if (this.segmentFd >= 0) this.io.close(this.segmentFd);
    this.segmentFd = -1;
    this.segmentBase = -1;
  }

  private handleCheckpoints(): void {
    let latest: CheckpointRequest | null = null;
    for (;;) {
      const received = receiveMessageOnPort(this.workerPort);
      if (received === undefined) break;
      const request = received.message as CheckpointRequest;
      this.syncFiles(request);
      latest = request;
    }
    if (latest === null || this.failed) return;
    try {
      writeCheckpoint(this.io, this.layout.checkpointPath, {
        physicMsgTimestamp: this.physicTimestampMs,
        logicsMsgTimestamp: latest.logicsTimestampMs,
        indexMsgTimestamp: latest.indexTimestampMs,
        flushedPhysicalOffset: this.flushedPhysical,
        logicsPhysicalOffset: latest.logicsPhysicalOffset,
        indexPhysicalOffset: latest.indexPhysicalOffset,
        commitLogEndOffset: 0,
        clean: false,
      });
    } catch (error) {
      this.logger.error({ err: error }, 'checkpoint write failed');
    }
  }

  private syncFiles(request: CheckpointRequest): void {
    const paths = request.indexPath === null ? request.queuePaths : [...request.queuePaths, request.indexPath];
    for (const path of paths) {
      try {
        const fd = this.io.open(path, 'r+');
        try {
          this.io.fdatasync(fd);
        } finally {
          this.io.close(fd);
        }
      } catch {
        // a queue deleted since the request was made has nothing left to sync
      }
    }
  }
}
