import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError, errorFromWire } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import { defaultLogDir } from '../common/log.js';
import type {
  CommitterStart, FlusherStart, FromFlusher, FromStoreWorker, StoreWorkerStart, ToStoreWorker,
} from '../../workers/messages.js';
import { type StoreConfig, type StoreLayout, deriveStoreLayout } from './config.js';
import type { ProducerPort } from './producer.js';
import { StoreReader, type ReaderPort } from './reader.js';
import type { RecoveryReport } from './recovery.js';
import { createCompletionRingBuffer, createRequestRingBuffer } from './ring.js';
import { Big, Health, SharedState, SlotDirectory, Word } from './shared-state.js';
import type { QueueInfo, StoreHealth, StoreStats } from './types.js';
import { usesCommitter } from './writer.js';

/**
 * The main thread's side of the store: `openStore` starts the store worker (which recovers) and
 * the flusher and returns a `StoreHandle`, which hands out producer and reader ports, answers
 * admin reads from shared memory, and shuts everything down in order on `close`.
 */
export interface OpenStoreOptions {
  /** Where the worker threads log (`store.log`); default ~/logs/rocketmqlogs. */
  logDir?: string;
  /** Called when a store thread dies without being stopped (STYLE §8: fatal). */
  onFatal?: (error: Error) => void;
}

/** Producer threads per store (I/O threads + main thread + a margin). */
export const STORE_PRODUCERS_MAX = 64;

export async function openStore(config: StoreConfig, logger: Logger, options: OpenStoreOptions = {}): Promise<StoreHandle> {
  const layout = deriveStoreLayout(config);
  const shared = SharedState.create(layout.queueSlotsMax);
  const tailCache = new SharedArrayBuffer(layout.tailCacheBytes);
  new Uint8Array(tailCache).fill(0);
  const indexSlots = layout.indexEnabled ? new SharedArrayBuffer(layout.indexSlotCount * 4) : null;
  const channel = new MessageChannel();
  const logDir = options.logDir ?? defaultLogDir();
  const workerStart: StoreWorkerStart = {
    kind: 'start', config, control: shared.buffer, tailCache, indexSlots, flusherPort: channel.port1, logDir,
  };
  const worker = new Worker(workerFile('store.worker.js'), { workerData: workerStart, transferList: [channel.port1] });
  const report = await new Promise<RecoveryReport>((resolve, reject) => {
    worker.once('message', (message: FromStoreWorker) => {
      if (message.kind === 'ready') resolve(message.report);
      else if (message.kind === 'failed') reject(errorFromWire(message.error));
      else reject(new PetrelError(ErrorCode.ERR_STORE_IO, `unexpected store worker message ${message.kind}`));
    });
    worker.once('error', reject);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    channel.port2.close();
    throw error;
  });
  const flusherStart: FlusherStart = { kind: 'start', config, control: shared.buffer, workerPort: channel.port2, logDir };
  const flusher = new Worker(workerFile('flusher.worker.js'), { workerData: flusherStart, transferList: [channel.port2] });
  await threadReady(flusher);
  // After recovery (WRITTEN_PHYSICAL is the recovered end): the committer writes from there on.
  let committer: Worker | null = null;
  if (usesCommitter(layout)) {
    const committerStart: CommitterStart = { kind: 'start-committer', config, control: shared.buffer, tailCache, logDir };
    committer = new Worker(workerFile('flusher.worker.js'), { workerData: committerStart });
    await threadReady(committer);
  }
  const handle = new StoreHandle(layout, shared, tailCache, indexSlots, worker, { flusher, committer }, report, logger, options);
  logger.info({ rootDir: layout.rootDir, report }, 'store open');
  return handle;
}

function threadReady(thread: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    thread.once('message', (message: FromFlusher) => (message.kind === 'ready' ? resolve() : reject(new Error(message.kind))));
    thread.once('error', reject);
  });
}

/** The flusher, and the committer when the store uses one (`usesCommitter`). */
interface DiskThreads {
  readonly flusher: Worker;
  readonly committer: Worker | null;
}

/** dist/workers/<name>; from TypeScript sources (vitest) the compiled copy in dist/ is used. */
function workerFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, '..', '..', 'workers', name);
  if (existsSync(compiled)) return compiled;
  const fromSources = join(here, '..', '..', 'dist', 'workers', name);
  assert(existsSync(fromSources), `store worker not built: ${fromSources} (run npx tsc -p tsconfig.json)`);
  return fromSources;
}

export class StoreHandle {
  /** A reader for the main thread. */
  readonly reader: StoreReader;
  private readonly slots: SlotDirectory;
  private producerCount = 0;
  private requestId = 0;
  private readonly pending = new Map<number, () => void>();
  private drainedResolve: (() => void) | null = null;
  private stoppedResolve: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private lastStats = { atMs: 0, messages: 0 };

  constructor(
    readonly layout: StoreLayout,
    private readonly shared: SharedState,
    private readonly tailCache: SharedArrayBuffer,
    private readonly indexSlots: SharedArrayBuffer | null,
    private readonly worker: Worker,
    private readonly threads: DiskThreads,
    readonly recovery: RecoveryReport,
    private readonly logger: Logger,
    private readonly options: OpenStoreOptions,
  ) {
    this.reader = new StoreReader(this.readerPort());
    this.slots = new SlotDirectory(shared);
    worker.on('message', (message: FromStoreWorker) => this.onWorkerMessage(message));
    worker.on('error', (error) => this.fatal(error));
    worker.on('exit', (code) => {
      if (this.closing === null) this.fatal(new Error(`store worker exited (${code}) without stop`));
    });
    for (const thread of [threads.flusher, threads.committer]) {
      thread?.on('error', (error) => this.fatal(error));
      thread?.on('exit', (code) => {
        if (this.closing === null) this.fatal(new Error(`flusher or committer exited (${code}) without stop`));
      });
    }
  }

  /** New rings for one producer thread, registered with the store worker. */
  createProducerPort(): ProducerPort {
    assert(this.producerCount < STORE_PRODUCERS_MAX, 'too many store producers');
    const port: ProducerPort = {
      kind: 'petrel-store-producer',
      producerIndex: this.producerCount++,
      control: this.shared.buffer,
      requests: createRequestRingBuffer(this.layout.ringBytes),
      completions: createCompletionRingBuffer(this.layout.completionSlots),
      queueSlotsMax: this.layout.queueSlotsMax,
      bodyBytesMax: this.layout.bodyBytesMax,
      appendBytesMax: this.layout.appendBytesMax,
      syncFlush: this.layout.syncFlush,
      behindBytesMax: this.layout.behindBytesMax,
    };
    this.post({ kind: 'add-producer', producerIndex: port.producerIndex, requests: port.requests, completions: port.completions });
    return port;
  }

  readerPort(): ReaderPort {
    return { kind: 'petrel-store-reader', layout: this.layout, control: this.shared.buffer, tailCache: this.tailCache, indexSlots: this.indexSlots };
  }

  health(): StoreHealth {
    const bits = this.shared.health();
    return {
      writable: (bits & (Health.NOT_WRITABLE | Health.DISK_FULL | Health.CLOSING)) === 0,
      diskFull: (bits & Health.DISK_FULL) !== 0,
      ioError: (bits & Health.IO_ERROR) !== 0,
      closing: (bits & Health.CLOSING) !== 0,
    };
  }

  stats(nowMs = Date.now()): StoreStats {
    const messages = this.shared.load(Big.PUT_MESSAGES);
    const elapsedMs = nowMs - this.lastStats.atMs;
    const putTps = this.lastStats.atMs === 0 || elapsedMs <= 0 ? 0 : ((messages - this.lastStats.messages) * 1000) / elapsedMs;
    this.lastStats = { atMs: nowMs, messages };
    return {
      putMessageCount: messages,
      putBytes: this.shared.load(Big.PUT_BYTES),
      putTps,
      minPhysicalOffset: this.shared.load(Big.MIN_PHYSICAL),
      maxPhysicalOffset: this.shared.load(Big.MAX_PHYSICAL),
      flushedPhysicalOffset: this.shared.load(Big.FLUSHED_PHYSICAL),
    };
  }

  minOffset(topic: string, queueId: number): number {
    return this.reader.minOffset(topic, queueId);
  }

  maxOffset(topic: string, queueId: number): number {
    return this.reader.maxOffset(topic, queueId);
  }

  /** Every live queue (of one topic when given). */
  queues(topic?: string): QueueInfo[] {
    return this.slots.live()
      .map((slot) => ({
        topic: this.shared.slotTopic(slot),
        queueId: this.shared.slotQueueId(slot),
        minOffset: this.shared.minQueueOffset(slot),
        maxOffset: this.shared.maxQueueOffset(slot),
      }))
      .filter((info) => topic === undefined || info.topic === topic)
      .sort((a, b) => (a.topic === b.topic ? a.queueId - b.queueId : a.topic < b.topic ? -1 : 1));
  }

  /** Drops the topic's consume queues (its commit-log records expire with their segments). */
  deleteTopic(topic: string): Promise<void> {
    const requestId = ++this.requestId;
    return new Promise<void>((resolve) => {
      this.pending.set(requestId, resolve);
      this.post({ kind: 'delete-topic', requestId, topic });
    });
  }

  /** Drain, flush, checkpoint, delete `abort`, stop both threads. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.shared.setHealth(Health.CLOSING);
    await new Promise<void>((resolve) => {
      this.drainedResolve = resolve;
      this.post({ kind: 'stop' });
    });
    // Drained: every held completion was released, so the committer has written everything.
    const committer = this.threads.committer;
    if (committer !== null) {
      Atomics.store(this.shared.words, Word.COMMITTER_STOP, 1);
      const committerExit = new Promise((resolve) => committer.once('exit', resolve));
      Atomics.add(this.shared.words, Word.COMMIT_WAKE, 1);
      Atomics.notify(this.shared.words, Word.COMMIT_WAKE);
      await committerExit;
    }
    Atomics.store(this.shared.words, Word.FLUSHER_STOP, 1);
    const flusherExit = new Promise((resolve) => this.threads.flusher.once('exit', resolve));
    this.shared.wakeFlusher();
    await flusherExit;
    const workerExit = new Promise((resolve) => this.worker.once('exit', resolve));
    await new Promise<void>((resolve) => {
      this.stoppedResolve = resolve;
      this.post({ kind: 'finish' });
    });
    await workerExit;
    this.reader.close();
    this.logger.info({ end: this.shared.load(Big.MAX_PHYSICAL) }, 'store closed');
  }

  private post(message: ToStoreWorker): void {
    this.worker.postMessage(message);
    this.shared.wakeWorker();
  }

  private onWorkerMessage(message: FromStoreWorker): void {
    switch (message.kind) {
      case 'done':
        this.pending.get(message.requestId)?.();
        this.pending.delete(message.requestId);
        return;
      case 'drained':
        this.drainedResolve?.();
        return;
      case 'stopped':
        this.stoppedResolve?.();
        return;
      case 'failed':
        this.fatal(errorFromWire(message.error));
        return;
      case 'ready':
        return;
    }
  }

  private fatal(error: Error): void {
    this.shared.setHealth(Health.NOT_WRITABLE | Health.IO_ERROR);
    this.logger.error({ err: error }, 'store thread failed');
    this.options.onFatal?.(error);
    this.drainedResolve?.();
    this.stoppedResolve?.();
  }
}
