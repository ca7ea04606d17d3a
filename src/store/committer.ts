import type { Logger } from '../common/log.js';
import { CommitLogFiles } from './commit-log.js';
import type { StoreLayout } from './config.js';
import type { FileIo } from './file-io.js';
import { Big, Health, type SharedState, Word } from './shared-state.js';

/**
 * The committer thread's loop (ASYNC_FLUSH with the tail-cache write mode; workers/flusher.worker.ts
 * runs it with role 'committer'). It takes the commit-log pwrite off the store worker, the serial
 * stage, as RocketMQ's CommitRealTimeService commits its write buffer: the worker stamps records
 * and copies them into the tail cache (the commit log's newest bytes, byte for byte, including
 * zeros after an end-of-segment blank), publishes MAX_PHYSICAL and wakes the committer if it
 * sleeps; the committer writes [WRITTEN_PHYSICAL, MAX_PHYSICAL) from the tail cache, one pwrite
 * per segment piece, and advances WRITTEN_PHYSICAL. The worker releases an append's completion
 * only once WRITTEN_PHYSICAL passes its end (ASYNC_FLUSH answers after the page-cache write, as
 * before), never overwrites tail-cache bytes below WRITTEN_PHYSICAL (it waits), and the flusher
 * syncs only what is written.
 *
 * A failed write marks the store not writable (IO_ERROR, or DISK_FULL for ENOSPC) and
 * WRITTEN_PHYSICAL stays put: the worker answers every held append 'not-writable'.
 */
export class TailCommitter {
  private readonly commitLog: CommitLogFiles;
  private readonly tailBytes: Buffer;
  private writtenPhysical: number;
  private failed = false;

  constructor(
    layout: StoreLayout,
    io: FileIo,
    private readonly shared: SharedState,
    tailCache: SharedArrayBuffer,
    private readonly logger: Logger,
  ) {
    this.commitLog = new CommitLogFiles(io, layout.commitLogDir, layout.segmentBytes);
    this.tailBytes = Buffer.from(tailCache);
    this.writtenPhysical = shared.load(Big.WRITTEN_PHYSICAL);
  }

  /** Runs until COMMITTER_STOP and everything published is written (or a write failed). */
  run(): void {
    const words = this.shared.words;
    for (;;) {
      const wakeSeen = Atomics.load(words, Word.COMMIT_WAKE);
      if (this.commitAvailable()) continue;
      if (Atomics.load(words, Word.COMMITTER_STOP) === 1) break;
      Atomics.store(words, Word.COMMITTER_SLEEPING, 1);
      // Seq-cst store then load (the worker publishes, then loads SLEEPING): one of us sees the other.
      if (this.failed || this.shared.load(Big.MAX_PHYSICAL) <= this.writtenPhysical) {
        Atomics.wait(words, Word.COMMIT_WAKE, wakeSeen, 1000);
      }
      Atomics.store(words, Word.COMMITTER_SLEEPING, 0);
    }
    this.commitLog.closeCurrent();
  }

  /** Writes what the worker published since the last call; returns whether it wrote anything. */
  commitAvailable(): boolean {
    if (this.failed) return false;
    const target = this.shared.load(Big.MAX_PHYSICAL);
    if (target <= this.writtenPhysical) return false;
    try {
      this.writeRange(this.writtenPhysical, target);
    } catch (error) {
      this.failed = true;
      const code = (error as { code?: string }).code;
      this.shared.setHealth(Health.NOT_WRITABLE | (code === 'ENOSPC' ? Health.DISK_FULL : Health.IO_ERROR));
      Atomics.store(this.shared.words, Word.COMMIT_FAILED, 1);
      this.logger.error({ err: error }, 'commit-log write failed; store not writable');
      this.shared.wakeWorker();
      return false;
    }
    this.writtenPhysical = target;
    this.shared.store(Big.WRITTEN_PHYSICAL, target);
    if (Atomics.load(this.shared.words, Word.SLEEPING) === 1) this.shared.wakeWorker();
    return true;
  }

  /** One pwrite per segment piece and tail-cache wrap piece of [fromPhysical, toPhysical). */
  private writeRange(fromPhysical: number, toPhysical: number): void {
    const segmentBytes = this.commitLog.segmentBytes;
    const tailSize = this.tailBytes.length;
    let physical = fromPhysical;
    while (physical < toPhysical) {
      const segmentEnd = physical - (physical % segmentBytes) + segmentBytes;
      const index = physical % tailSize;
      const length = Math.min(toPhysical, segmentEnd) - physical;
      const piece = Math.min(length, tailSize - index);
      this.commitLog.writeRun(physical, this.tailBytes, index, piece);
      physical += piece;
    }
  }
}

/** Store worker side: wake the committer after a publish when it sleeps (or always when `force`). */
export function wakeCommitter(shared: SharedState, force = false): void {
  if (!force && Atomics.load(shared.words, Word.COMMITTER_SLEEPING) === 0) return;
  Atomics.add(shared.words, Word.COMMIT_WAKE, 1);
  Atomics.notify(shared.words, Word.COMMIT_WAKE);
}
