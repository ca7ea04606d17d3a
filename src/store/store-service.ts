import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { assert } from '../common/assert.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { CheckpointRequest, ToStoreWorker } from '../../workers/messages.js';
import type { StoreLayout } from './config.js';
import type { FileIo } from './file-io.js';
import { recoverStore, type RecoveryReport } from './recovery.js';
import { runRetention, RetentionTimer } from './retention.js';
import { closeDerived } from './engine.js';
import {
  CompletionCode, CompletionRingWriter, ENTRY_HEADER_BYTES, RING_HEADER_BYTES, alignTo8,
  RequestRingReader, type Completion,
} from './ring.js';
import { Big, type SharedState, Word } from './shared-state.js';
import type { TailCache } from './tail-cache.js';
import { PendingSync } from './pending-sync.js';
import { wakeCommitter } from './committer.js';
import { AddCode, StoreWriter, usesCommitter } from './writer.js';

/**
 * The store worker's loop (workers/store.worker.ts only wires it up): drain every request ring
 * into one batch, commit it, hand out completions (at once for ASYNC_FLUSH; for SYNC_FLUSH when
 * the flusher's FLUSHED_PHYSICAL passes the append's end, or FLUSH_DISK_TIMEOUT), then sleep on
 * the WAKE word with Atomics.wait until a producer, the flusher or the main thread bumps it.
 */
interface Producer {
  readonly requests: RequestRingReader;
  readonly requestBytes: Buffer;
  readonly completions: CompletionRingWriter;
  /** 1 while listed in `quietList`. */
  quiet: number;
}

/**
 * The appends of the batch being built, in parallel typed arrays (no object per append on the
 * ASYNC_FLUSH hot path). Sized for the most appends one batch buffer can hold.
 */
class BatchItems {
  count = 0;
  readonly producer: Int32Array;
  readonly sequence: Int32Array;
  readonly code: Int32Array;
  readonly recordCount: Int32Array;
  readonly physicalOffset: Float64Array;
  readonly queueOffset: Float64Array;

  constructor(capacity: number) {
    this.producer = new Int32Array(capacity);
    this.sequence = new Int32Array(capacity);
    this.code = new Int32Array(capacity);
    this.recordCount = new Int32Array(capacity);
    this.physicalOffset = new Float64Array(capacity);
    this.queueOffset = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.count === this.producer.length;
  }
}

const IDLE_WAIT_MS = 1000;
/**
 * While the worker has more requests, a producer is woken once 1/NOTIFY_SLOT_FRACTION of its
 * completion slots are waiting or the oldest waited NOTIFY_DELAY_MAX_MS; an idle worker wakes
 * every producer at once (see CompletionRingWriter.notify).
 */
const NOTIFY_SLOT_FRACTION = 16;
const NOTIFY_DELAY_MAX_MS = 1;
/** See `batchTargetBytes`: 512 KiB measured best of 128 KiB / 512 KiB / 2 MiB (docs/benchmarks.md). */
const BATCH_TARGET_BYTES = 512 * 1024;

export class StoreService {
  readonly writer: StoreWriter;
  private readonly producers: (Producer | undefined)[] = [];
  /** Producers that got completions this round (flag + list: no Set on the hot path). */
  private readonly touchedFlags = new Uint8Array(256);
  private readonly touchedList: number[] = [];
  /** Producers with completions published but not notified yet. */
  private readonly quietList: number[] = [];
  private readonly pendingSync = new PendingSync();
  private readonly items: BatchItems;
  private batchStoreTimestampMs = 0;
  private firstProducer = 0;
  /**
   * A batch is committed once it holds this many bytes even if more is queued: a batch that
   * still sits in the CPU cache when the kernel copies it into the page cache writes faster
   * (see docs/benchmarks.md, store).
   */
  private readonly batchTargetBytes = BATCH_TARGET_BYTES;
  private readonly retentionTimer: RetentionTimer;
  private lastCheckpointMs = 0;
  /**
   * ASYNC_FLUSH in tail mode: the committer thread (committer.ts) writes the commit log, and
   * completions are held in `pendingSync` until WRITTEN_PHYSICAL passes them (as SYNC_FLUSH
   * ones wait for FLUSHED_PHYSICAL).
   */
  private readonly committer: boolean;
  /** WRITTEN_PHYSICAL (committer) or FLUSHED_PHYSICAL (SYNC_FLUSH) when completions were last released. */
  private releasedUpTo = 0;
  private stopping = false;
  private drainedReported = false;
  private finished = false;

  constructor(
    readonly layout: StoreLayout,
    readonly io: FileIo,
    readonly shared: SharedState,
    tail: TailCache,
    indexSlots: Int32Array | null,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly port: MessagePort,
    private readonly flusherPort: MessagePort,
  ) {
    this.committer = usesCommitter(layout);
    this.writer = new StoreWriter(layout, io, shared, tail, indexSlots, { committer: this.committer });
    // The smallest record is 91 bytes, so a batch buffer holds at most this many appends.
    this.items = new BatchItems(Math.ceil(layout.batchBufferBytes / 91));
    this.retentionTimer = new RetentionTimer(layout, clock.nowMs());
  }

  recover(): RecoveryReport {
    const report = recoverStore(this.writer, this.logger, this.clock.nowMs());
    this.io.writeFile(this.layout.abortPath, new Uint8Array(0));
    this.lastCheckpointMs = this.clock.nowMs();
    return report;
  }

  /** Runs until `finish`; blocks the thread (it is the store worker). */
  run(): void {
    while (!this.finished) {
      const wakeSeen = Atomics.load(this.shared.words, Word.WAKE);
      this.handleControl();
      if (this.finished) break;
      const worked = this.drainOnce();
      this.releaseSync();
      this.publishCompletions();
      this.periodic();
      if (this.stopping && !worked && this.pendingSync.size === 0 && !this.finished) this.reportDrained();
      // More work waiting: wake producers only for many or old completions; idle: wake them all.
      this.notifyProducers(!worked);
      if (worked) continue;
      this.sleep(wakeSeen);
    }
  }

  private sleep(wakeSeen: number): void {
    Atomics.store(this.shared.words, Word.SLEEPING, 1);
    // Seq-cst store, then loads: a producer or the committer that missed SLEEPING is seen here.
    if (!this.anyRequests() && !this.releasable()) {
      const waitMs = this.pendingSync.size > 0 ? Math.min(this.layout.syncFlushTimeoutMs, 50) : IDLE_WAIT_MS;
      Atomics.wait(this.shared.words, Word.WAKE, wakeSeen, waitMs);
    }
    Atomics.store(this.shared.words, Word.SLEEPING, 0);
  }

  /** Held completions the committer or flusher has covered since the last release. */
  private releasable(): boolean {
    if (this.pendingSync.size === 0) return false;
    if (this.committer && Atomics.load(this.shared.words, Word.COMMIT_FAILED) === 1) return true;
    return this.shared.load(this.committer ? Big.WRITTEN_PHYSICAL : Big.FLUSHED_PHYSICAL) > this.releasedUpTo;
  }

  private anyRequests(): boolean {
    for (const producer of this.producers) if (producer?.requests.hasEntries()) return true;
    return false;
  }

  private handleControl(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return;
      this.onControl(received.message as ToStoreWorker);
    }
  }

  private onControl(message: ToStoreWorker): void {
    switch (message.kind) {
      case 'add-producer':
        assert(this.producers[message.producerIndex] === undefined, 'producer index reused');
        this.producers[message.producerIndex] = {
          requests: new RequestRingReader(message.requests),
          requestBytes: Buffer.from(message.requests, RING_HEADER_BYTES),
          completions: new CompletionRingWriter(message.completions),
          quiet: 0,
        };
        return;
      case 'delete-topic':
        this.writer.deleteTopic(message.topic);
        this.port.postMessage({ kind: 'done', requestId: message.requestId });
        return;
      case 'stop':
        this.stopping = true;
        return;
      case 'finish':
        this.finish();
        return;
      default:
        assert(false, `unknown store control message ${(message as { kind: string }).kind}`);
    }
  }

  /** Drains every ring into one batch and commits it; returns whether anything was appended. */
  private drainOnce(): boolean {
    const writer = this.writer;
    const nowMs = this.clock.nowMs();
    this.batchStoreTimestampMs = nowMs;
    writer.beginBatch(nowMs);
    const items = this.items;
    items.count = 0;
    let full = false;
    // Start at a different producer each batch: a full batch must not always favour the first.
    const producerCount = this.producers.length;
    this.firstProducer = producerCount === 0 ? 0 : (this.firstProducer + 1) % producerCount;
    for (let n = 0; n < producerCount && !full; n++) {
      const index = (this.firstProducer + n) % producerCount;
      const producer = this.producers[index];
      if (producer !== undefined) full = this.drainProducer(index, producer);
    }
    if (items.count === 0) return false;
    const committed = writer.commitBatch();
    const endPhysical = writer.endPhysicalOffset;
    for (let i = 0; i < items.count; i++) {
      let code = items.code[i] as CompletionCode;
      if (code === CompletionCode.OK && !committed) code = CompletionCode.NOT_WRITABLE;
      if (code === CompletionCode.OK && (this.layout.syncFlush || this.committer)) {
        this.pendingSync.pushFields(
          items.producer[i] as number, items.sequence[i] as number, items.recordCount[i] as number,
          items.physicalOffset[i] as number, items.queueOffset[i] as number, this.batchStoreTimestampMs,
          endPhysical, this.committer ? Number.POSITIVE_INFINITY : nowMs + this.layout.syncFlushTimeoutMs,
        );
      } else {
        this.deliverItem(i, code);
      }
    }
    if (!committed) this.logger.error({ health: this.shared.health() }, 'commit-log write failed; store not writable');
    if (this.layout.syncFlush && committed) this.shared.wakeFlusher();
    if (this.committer && committed) wakeCommitter(this.shared);
    return true;
  }

  /** Returns true when the batch is full (commit before reading more). */
  private drainProducer(index: number, producer: Producer): boolean {
    const { requests, requestBytes } = producer;
    const full = this.drainEntries(index, requests, requestBytes);
    // Every entry drained is stamped and copied (tail cache or batch buffer): free them at once.
    requests.publishConsumed();
    return full;
  }

  private drainEntries(index: number, requests: RequestRingReader, requestBytes: Buffer): boolean {
    const items = this.items;
    const words = requests.words;
    for (;;) {
      if (items.full || this.writer.batchBytes >= this.batchTargetBytes) return true;
      const at = requests.peek();
      if (at < 0) return false;
      const word = at >> 2;
      const recordCount = words[word + 2] as number;
      const recordsBytes = words[word + 3] as number;
      const recordsStart = at + ENTRY_HEADER_BYTES + 8 * recordCount;
      const keysStart = recordsStart + alignTo8(recordsBytes);
      const keyIndex = at + (words[word] as number) > keysStart ? keysStart >> 2 : -1;
      const physicalOffset = this.writer.add(
        requestBytes, recordsStart, recordsBytes, recordCount, requests.doubles, (at + ENTRY_HEADER_BYTES) >> 3, words, keyIndex,
      );
      if (physicalOffset === AddCode.BATCH_FULL) return true;
      const i = items.count++;
      items.producer[i] = index;
      items.sequence[i] = words[word + 1] as number;
      items.recordCount[i] = recordCount;
      items.code[i] = physicalOffset >= 0 ? CompletionCode.OK : CompletionCode.NOT_WRITABLE;
      items.physicalOffset[i] = physicalOffset >= 0 ? physicalOffset : 0;
      items.queueOffset[i] = physicalOffset >= 0 ? this.writer.lastQueueOffset : 0;
      requests.consume(words[word] as number);
    }
  }

  private deliverItem(i: number, code: CompletionCode): void {
    const items = this.items;
    const producerIndex = items.producer[i] as number;
    const producer = this.producers[producerIndex];
    assert(producer !== undefined, 'completion for an unknown producer');
    const ok = code === CompletionCode.OK;
    producer.completions.push(
      items.sequence[i] as number, code, items.recordCount[i] as number,
      items.physicalOffset[i] as number, items.queueOffset[i] as number, ok ? this.batchStoreTimestampMs : 0,
    );
    this.touch(producerIndex);
  }

  private touch(producerIndex: number): void {
    if (this.touchedFlags[producerIndex] === 1) return;
    this.touchedFlags[producerIndex] = 1;
    this.touchedList.push(producerIndex);
  }

  private readonly deliverHeld = (producerIndex: number, completion: Completion): void => {
    this.deliver(producerIndex, completion);
  };

  private deliver(producerIndex: number, completion: Completion): void {
    const producer = this.producers[producerIndex];
    assert(producer !== undefined, 'completion for an unknown producer');
    producer.completions.push(
      completion.sequence, completion.code, completion.recordCount,
      completion.physicalOffset, completion.queueOffset, completion.storeTimestampMs,
    );
    this.touch(producerIndex);
  }

  private releaseSync(): void {
    if (this.pendingSync.size === 0) return;
    if (this.committer && Atomics.load(this.shared.words, Word.COMMIT_FAILED) === 1) {
      // The committer stopped at a failed write: bytes past WRITTEN_PHYSICAL are not stored.
      this.pendingSync.release(this.shared.load(Big.WRITTEN_PHYSICAL), Number.POSITIVE_INFINITY, this.deliverNotWritable);
      return;
    }
    const covered = this.shared.load(this.committer ? Big.WRITTEN_PHYSICAL : Big.FLUSHED_PHYSICAL);
    this.releasedUpTo = covered;
    this.pendingSync.release(covered, this.clock.nowMs(), this.deliverHeld);
  }

  private readonly deliverNotWritable = (producerIndex: number, completion: Completion): void => {
    if (completion.code !== CompletionCode.OK) completion.code = CompletionCode.NOT_WRITABLE;
    this.deliver(producerIndex, completion);
  };

  private publishCompletions(): void {
    const nowMs = this.clock.nowMs();
    for (const index of this.touchedList) {
      const producer = this.producers[index];
      this.touchedFlags[index] = 0;
      if (producer === undefined) continue;
      producer.completions.publishQuietly(nowMs);
      if (producer.quiet === 0) this.quietList.push(index);
      producer.quiet = 1;
    }
    this.touchedList.length = 0;
  }

  private notifyProducers(force: boolean): void {
    if (this.quietList.length === 0) return;
    const nowMs = this.clock.nowMs();
    let kept = 0;
    for (const index of this.quietList) {
      const producer = this.producers[index];
      if (producer === undefined) continue;
      const completions = producer.completions;
      completions.notify(force, nowMs, completions.slotCount / NOTIFY_SLOT_FRACTION, NOTIFY_DELAY_MAX_MS);
      if (completions.quietCount > 0) this.quietList[kept++] = index;
      else producer.quiet = 0;
    }
    this.quietList.length = kept;
  }

  private periodic(): void {
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastCheckpointMs >= this.layout.cqFlushIntervalMs) {
      this.lastCheckpointMs = nowMs;
      this.requestCheckpoint();
    }
    if (this.retentionTimer.due(nowMs, this.io)) runRetention(this.writer, this.logger, nowMs, this.retentionTimer.forced);
  }

  /** Persists the index and asks the flusher to fsync derived files and advance the checkpoint. */
  private requestCheckpoint(): void {
    const writer = this.writer;
    writer.index?.persist();
    const end = writer.endPhysicalOffset;
    const lastStoreMs = this.shared.load(Big.LAST_STORE_TIMESTAMP);
    const request: CheckpointRequest = {
      kind: 'checkpoint',
      queuePaths: writer.takeTouchedQueuePaths(),
      indexPath: writer.index?.filePath ?? null,
      logicsPhysicalOffset: end,
      indexPhysicalOffset: end,
      logicsTimestampMs: lastStoreMs,
      indexTimestampMs: lastStoreMs,
    };
    this.flusherPort.postMessage(request);
    this.shared.wakeFlusher();
  }

  private reportDrained(): void {
    if (this.drainedReported) return;
    this.drainedReported = true;
    this.port.postMessage({ kind: 'drained' });
  }

  /** After the flusher stopped: persist derived data, write the clean checkpoint, delete abort. */
  private finish(): void {
    closeDerived(this.writer, this.io, true);
    this.writer.close();
    this.io.unlink(this.layout.abortPath);
    this.finished = true;
    this.port.postMessage({ kind: 'stopped' });
  }
}

