import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { assert } from '../common/assert.js';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { CheckpointRequest, ToStoreWorker } from '../../workers/messages.js';
import type { StoreLayout } from './config.js';
import type { FileIo } from './file-io.js';
import { recoverStore, type RecoveryReport } from './recovery.js';
import { runRetention, RetentionTimer } from './retention.js';
import { writeCheckpoint } from './checkpoint.js';
import {
  CompletionCode, CompletionRingWriter, ENTRY_HEADER_BYTES, RING_HEADER_BYTES,
  RequestRingReader, type Completion,
} from './ring.js';
import { Big, type SharedState, Word } from './shared-state.js';
import type { TailCache } from './tail-cache.js';
import { AddCode, StoreWriter } from './writer.js';

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
}

/** Completions waiting for a flush (SYNC_FLUSH), oldest first; ends are increasing. */
class PendingSync {
  private items: { producer: number; completion: Completion; endPhysical: number; deadlineMs: number }[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(producer: number, completion: Completion, endPhysical: number, deadlineMs: number): void {
    this.items.push({ producer, completion, endPhysical, deadlineMs });
  }

  /** Releases every completion covered by `flushedPhysical` or past its deadline. */
  release(flushedPhysical: number, nowMs: number, deliver: (producer: number, completion: Completion) => void): void {
    while (this.head < this.items.length) {
      const item = this.items[this.head] as (typeof this.items)[number];
      if (item.endPhysical <= flushedPhysical) {
        deliver(item.producer, item.completion);
      } else if (item.deadlineMs <= nowMs) {
        item.completion.code = CompletionCode.FLUSH_DISK_TIMEOUT;
        deliver(item.producer, item.completion);
      } else {
        break;
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

const IDLE_WAIT_MS = 1000;

export class StoreService {
  readonly writer: StoreWriter;
  private readonly producers: (Producer | undefined)[] = [];
  private readonly touchedProducers = new Set<number>();
  private readonly pendingSync = new PendingSync();
  private readonly retentionTimer: RetentionTimer;
  private lastCheckpointMs = 0;
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
    this.writer = new StoreWriter(layout, io, shared, tail, indexSlots);
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
      const worked = this.drainOnce();
      this.releaseSync();
      this.publishCompletions();
      this.periodic();
      if (this.stopping && !worked && this.pendingSync.size === 0 && !this.finished) this.reportDrained();
      if (worked) continue;
      this.sleep(wakeSeen);
    }
  }

  private sleep(wakeSeen: number): void {
    Atomics.store(this.shared.words, Word.SLEEPING, 1);
    if (!this.anyRequests()) {
      const waitMs = this.pendingSync.size > 0 ? Math.min(this.layout.syncFlushTimeoutMs, 50) : IDLE_WAIT_MS;
      Atomics.wait(this.shared.words, Word.WAKE, wakeSeen, waitMs);
    }
    Atomics.store(this.shared.words, Word.SLEEPING, 0);
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
    writer.beginBatch(nowMs);
    const batchItems: { producer: number; completion: Completion }[] = [];
    let full = false;
    for (let index = 0; index < this.producers.length && !full; index++) {
      const producer = this.producers[index];
      if (producer === undefined) continue;
      full = this.drainProducer(index, producer, batchItems, nowMs);
    }
    if (batchItems.length === 0) return false;
    const committed = writer.commitBatch();
    const endPhysical = writer.endPhysicalOffset;
    for (const item of batchItems) {
      if (item.completion.code !== CompletionCode.OK) {
        this.deliver(item.producer, item.completion);
      } else if (!committed) {
        item.completion.code = CompletionCode.NOT_WRITABLE;
        this.deliver(item.producer, item.completion);
      } else if (this.layout.syncFlush) {
        this.pendingSync.push(item.producer, item.completion, endPhysical, nowMs + this.layout.syncFlushTimeoutMs);
      } else {
        this.deliver(item.producer, item.completion);
      }
    }
    if (!committed) this.logger.error({ health: this.shared.health() }, 'commit-log write failed; store not writable');
    if (this.layout.syncFlush && committed) this.shared.wakeFlusher();
    return true;
  }

  /** Returns true when the batch buffer filled up (commit before reading more). */
  private drainProducer(
    index: number, producer: Producer, batchItems: { producer: number; completion: Completion }[], nowMs: number,
  ): boolean {
    const { requests, requestBytes } = producer;
    for (;;) {
      const at = requests.peek();
      if (at < 0) return false;
      const entryBytes = requests.entryBytes(at);
      const sequence = requests.words[(at >> 2) + 1] as number;
      const recordCount = requests.words[(at >> 2) + 2] as number;
      const recordsBytes = requests.words[(at >> 2) + 3] as number;
      const tagsIndex = (at + ENTRY_HEADER_BYTES) >> 3;
      const recordsStart = at + ENTRY_HEADER_BYTES + 8 * recordCount;
      const physicalOffset = this.writer.add(requestBytes, recordsStart, recordsBytes, recordCount, requests.doubles, tagsIndex);
      if (physicalOffset === AddCode.BATCH_FULL) return true;
      const completion: Completion = {
        sequence,
        code: physicalOffset >= 0 ? CompletionCode.OK : CompletionCode.NOT_WRITABLE,
        recordCount,
        physicalOffset: Math.max(physicalOffset, 0),
        queueOffset: physicalOffset >= 0 ? this.writer.lastQueueOffset : 0,
        storeTimestampMs: physicalOffset >= 0 ? nowMs : 0,
      };
      batchItems.push({ producer: index, completion });
      requests.release(entryBytes);
    }
  }

  private deliver(producerIndex: number, completion: Completion): void {
    const producer = this.producers[producerIndex];
    assert(producer !== undefined, 'completion for an unknown producer');
    producer.completions.push(completion);
    this.touchedProducers.add(producerIndex);
  }

  private releaseSync(): void {
    if (this.pendingSync.size === 0) return;
    const flushed = this.shared.load(Big.FLUSHED_PHYSICAL);
    this.pendingSync.release(flushed, this.clock.nowMs(), (producer, completion) => this.deliver(producer, completion));
  }

  private publishCompletions(): void {
    for (const index of this.touchedProducers) this.producers[index]?.completions.publish();
    this.touchedProducers.clear();
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
    const writer = this.writer;
    writer.index?.persist();
    const paths = writer.takeTouchedQueuePaths();
    const end = writer.endPhysicalOffset;
    syncPaths(this.io, [...paths, ...(writer.index ? [writer.index.filePath] : [])]);
    syncPaths(this.io, end > 0 ? [writer.commitLog.path(writer.commitLog.segmentBase(end - 1))] : []);
    const lastStoreMs = this.shared.load(Big.LAST_STORE_TIMESTAMP);
    writeCleanCheckpoint(this.io, this.layout, end, lastStoreMs);
    writer.close();
    this.io.unlink(this.layout.abortPath);
    this.finished = true;
    this.port.postMessage({ kind: 'stopped' });
  }
}

export function syncPaths(io: FileIo, paths: readonly string[]): void {
  for (const path of paths) {
    if (!io.exists(path)) continue;
    const fd = io.open(path, 'r+');
    try {
      io.fdatasync(fd);
    } finally {
      io.close(fd);
    }
  }
}

function writeCleanCheckpoint(io: FileIo, layout: StoreLayout, end: number, lastStoreMs: number): void {
  writeCheckpoint(io, layout.checkpointPath, {
    physicMsgTimestamp: lastStoreMs,
    logicsMsgTimestamp: lastStoreMs,
    indexMsgTimestamp: lastStoreMs,
    flushedPhysicalOffset: end,
    logicsPhysicalOffset: end,
    indexPhysicalOffset: end,
    commitLogEndOffset: end,
    clean: true,
  });
}
