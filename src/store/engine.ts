import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import { writeCheckpoint } from './checkpoint.js';
import { type StoreConfig, type StoreLayout, deriveStoreLayout } from './config.js';
import { type FileIo, nodeFileIo } from './file-io.js';
import type { ReaderPort } from './reader.js';
import { recoverStore, type RecoveryReport } from './recovery.js';
import { Big, SharedState } from './shared-state.js';
import { TailCache } from './tail-cache.js';
import { AddCode, StoreWriter } from './writer.js';

/**
 * The store without threads: the same writer, recovery and shutdown the store worker runs, driven
 * synchronously. Tests use it (model-based property test, fault injection with a FileIo wrapper)
 * and so does the store worker for recovery and the clean close. One engine per store directory.
 */
export type EngineAppend =
  | { status: 'ok'; physicalOffset: number; queueOffset: number; storeTimestampMs: number }
  | { status: 'not-writable' | 'too-large' };

export class StoreEngine {
  readonly layout: StoreLayout;
  readonly shared: SharedState;
  readonly writer: StoreWriter;
  readonly recovery: RecoveryReport;
  private readonly tailCache: SharedArrayBuffer;
  private readonly indexSlots: SharedArrayBuffer | null;
  private readonly tags = new Float64Array(1024);

  constructor(config: StoreConfig, private readonly io: FileIo, logger: Logger, private readonly clock: Clock) {
    this.layout = deriveStoreLayout(config);
    this.shared = SharedState.create(this.layout.queueSlotsMax);
    this.tailCache = new SharedArrayBuffer(this.layout.tailCacheBytes);
    this.indexSlots = this.layout.indexEnabled ? new SharedArrayBuffer(this.layout.indexSlotCount * 4) : null;
    const tail = new TailCache(this.tailCache, this.shared);
    this.writer = new StoreWriter(this.layout, io, this.shared, tail, this.indexSlots === null ? null : new Int32Array(this.indexSlots));
    this.recovery = recoverStore(this.writer, logger, clock.nowMs());
    io.writeFile(this.layout.abortPath, new Uint8Array(0));
  }

  static open(config: StoreConfig, logger: Logger, clock: Clock, io: FileIo = nodeFileIo): StoreEngine {
    return new StoreEngine(config, io, logger, clock);
  }

  readerPort(): ReaderPort {
    return { kind: 'petrel-store-reader', layout: this.layout, control: this.shared.buffer, tailCache: this.tailCache, indexSlots: this.indexSlots };
  }

  /**
   * Appends one append (records of one queue) as its own batch. The records are copied first
   * (the writer stamps its source in place, as it does the request ring's entries).
   */
  append(records: Buffer, tagsCodes: readonly number[], indexKeyHashes?: readonly number[]): EngineAppend {
    const nowMs = this.clock.nowMs();
    this.writer.beginBatch(nowMs);
    tagsCodes.forEach((code, i) => { this.tags[i] = code; });
    const keys = indexKeyHashes === undefined ? null : Int32Array.from(indexKeyHashes);
    const physicalOffset = this.writer.add(
      Buffer.from(records), 0, records.length, Math.max(tagsCodes.length, 1), this.tags, 0, keys, keys === null ? -1 : 0,
    );
    if (physicalOffset === AddCode.TOO_LARGE) return { status: 'too-large' };
    if (physicalOffset < 0) return { status: 'not-writable' };
    const queueOffset = this.writer.lastQueueOffset;
    if (!this.writer.commitBatch()) return { status: 'not-writable' };
    return { status: 'ok', physicalOffset, queueOffset, storeTimestampMs: nowMs };
  }

  /** fdatasync the commit log up to its end (what the flusher does). */
  flush(): void {
    const end = this.writer.endPhysicalOffset;
    if (end === 0) return;
    const base = this.writer.commitLog.segmentBase(end - 1);
    const fd = this.writer.commitLog.openForWrite(base);
    this.io.fdatasync(fd);
    this.shared.store(Big.FLUSHED_PHYSICAL, end);
  }

  /** Persists derived data and writes a (non-clean) checkpoint, as the flusher's periodic round. */
  checkpoint(): void {
    this.flush();
    closeDerived(this.writer, this.io, false);
  }

  /** Clean close: everything durable, clean checkpoint, `abort` deleted. */
  close(): void {
    this.flush();
    closeDerived(this.writer, this.io, true);
    this.writer.close();
    this.io.unlink(this.layout.abortPath);
  }

  /** Simulated crash: file descriptors closed, nothing flushed or checkpointed, `abort` left. */
  abandon(): void {
    this.writer.close();
  }
}

/**
 * Persists the index, fsyncs touched consume-queue/index files and writes the checkpoint. With
 * `clean`, also records the exact commit-log end (the store worker's close and `StoreEngine.close`).
 */
export function closeDerived(writer: StoreWriter, io: FileIo, clean: boolean): void {
  writer.index?.persist();
  const paths = writer.takeTouchedQueuePaths();
  if (writer.index !== null) paths.push(writer.index.filePath);
  const end = writer.endPhysicalOffset;
  if (clean && end > 0) paths.push(writer.commitLog.path(writer.commitLog.segmentBase(end - 1)));
  for (const path of paths) {
    if (!io.exists(path)) continue;
    const fd = io.open(path, 'r+');
    try {
      io.fdatasync(fd);
    } finally {
      io.close(fd);
    }
  }
  const lastStoreMs = writer.shared.load(Big.LAST_STORE_TIMESTAMP);
  const flushed = writer.shared.load(Big.FLUSHED_PHYSICAL);
  writeCheckpoint(io, writer.layout.checkpointPath, {
    physicMsgTimestamp: lastStoreMs,
    logicsMsgTimestamp: lastStoreMs,
    indexMsgTimestamp: lastStoreMs,
    flushedPhysicalOffset: clean ? end : flushed,
    logicsPhysicalOffset: end,
    indexPhysicalOffset: end,
    commitLogEndOffset: clean ? end : 0,
    clean,
  });
}
