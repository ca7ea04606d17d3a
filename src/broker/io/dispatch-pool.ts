import { Piscina } from 'piscina';
import type { GetMessagesQuery, GetMessagesResult, MessageReader, QueryByKeyResult } from '../data-plane/ports.js';
import { PULL_BODY_BYTES_MAX, PULL_DIRECT_ENTRIES_MAX } from '../data-plane/bounds.js';
import { StoreChangeWatch, type StoreReaderLike, getMessagesFrom } from '../data-plane/store-reader-port.js';
import type { DispatchTask, DispatchWorkerData } from './io-messages.js';
import { PullBodySlots } from './pull-body-slots.js';

/**
 * The MessageReader of an I/O thread: pulls and message queries run in a piscina pool of
 * dispatch workers (workers/dispatch.worker.ts), each with its own StoreReader; the body comes
 * back as one transferred buffer. Offsets and change notifications are read here from shared
 * memory through the thread's own reader (cheap, synchronous), and so are pulls near their
 * queue's end (`PULL_DIRECT_ENTRIES_MAX`): no hand-off for a caught-up consumer.
 */
const DEFAULT_WORKER_URL = new URL('../../../workers/dispatch.worker.js', import.meta.url);

/**
 * Pull bodies that can be in flight in shared memory per I/O thread (256 KiB each, so 16 MiB
 * of address space, touched only as used); a slot is free again once its body is collected.
 */
const PULL_BODY_SLOTS = 64;

/** Tasks queued per dispatch thread before piscina refuses more (the pull path backs off). */
const QUEUED_TASKS_PER_THREAD = 1024;

export class PoolReader implements MessageReader {
  private readonly pool: Piscina;
  private readonly watch: StoreChangeWatch;
  /** Shared memory the pool's workers assemble pull bodies in. */
  readonly slots: PullBodySlots;

  constructor(private readonly local: StoreReaderLike, readerPort: unknown, threads: number, workerUrl = DEFAULT_WORKER_URL,
    bodySlotCount = PULL_BODY_SLOTS, bodySlotBytes = PULL_BODY_BYTES_MAX) {
    this.slots = new PullBodySlots(bodySlotCount, bodySlotBytes);
    const workerData: DispatchWorkerData = { readerPort, bodySlots: this.slots.memory, bodySlotBytes: this.slots.slotBytes };
    this.pool = new Piscina({
      filename: workerUrl.href, workerData, minThreads: threads, maxThreads: threads,
      maxQueue: threads * QUEUED_TASKS_PER_THREAD, idleTimeout: Number.MAX_SAFE_INTEGER,
    });
    this.watch = new StoreChangeWatch(local);
  }

  /**
   * A pull read in the pool assembles its body in a free body slot when there is one (the
   * answer then carries only its length), else the worker transfers a buffer of its own.
   */
  async getMessages(query: GetMessagesQuery): Promise<GetMessagesResult> {
    if (this.readsDirectly(query)) return getMessagesFrom(this.local, query);
    const slot = this.slots.acquire();
    let result: GetMessagesResult & { body: Uint8Array | null; slotBodyBytes: number };
    try {
      result = await this.run({
        kind: 'get-messages', topic: query.topic, queueId: query.queueId, queueOffset: query.queueOffset,
        maxCount: query.maxCount, maxBytes: query.maxBytes, tagCodes: query.tagCodes, sql92Expression: query.sql92Expression, bodySlot: slot,
      });
    } catch (error) {
      if (slot >= 0) this.slots.release(slot);
      throw error;
    }
    if (result.slotBodyBytes >= 0) return { ...result, body: this.slots.bodyOf(slot, result.slotBodyBytes) };
    if (slot >= 0) this.slots.release(slot);
    return { ...result, body: asBuffer(result.body) };
  }

  async readRecord(physicalOffset: number): Promise<Buffer | null> {
    const result = await this.run<{ body: Uint8Array | null }>({ kind: 'read-record', physicalOffset });
    return asBuffer(result.body);
  }

  async queryByKey(topic: string, key: string, maxCount: number, beginMs: number, endMs: number): Promise<QueryByKeyResult> {
    const result = await this.run<QueryByKeyResult & { body: Uint8Array | null }>({
      kind: 'query-by-key', topic, key, maxCount, beginMs, endMs,
    });
    return { ...result, body: asBuffer(result.body) };
  }

  offsetByTimestamp(topic: string, queueId: number, timestampMs: number): Promise<number> {
    return this.run<number>({ kind: 'offset-by-timestamp', topic, queueId, timestampMs });
  }

  earliestStoreTime(topic: string, queueId: number): Promise<number> {
    return this.run<number>({ kind: 'earliest-store-time', topic, queueId });
  }

  /**
   * Near the queue's end (or past it: nothing to read, the answer is in shared memory) a pull is
   * served here, synchronously, from the thread's own reader; SQL92 filtering, which costs per
   * record, always goes to the pool.
   */
  private readsDirectly(query: GetMessagesQuery): boolean {
    if (query.sql92Expression !== undefined) return false;
    return this.local.maxOffset(query.topic, query.queueId) - query.queueOffset <= PULL_DIRECT_ENTRIES_MAX;
  }

  minOffset(topic: string, queueId: number): number {
    return this.local.minOffset(topic, queueId);
  }

  maxOffset(topic: string, queueId: number): number {
    return this.local.maxOffset(topic, queueId);
  }

  onMaxOffsetChange(listener: () => void): () => void {
    return this.watch.subscribe(listener);
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }

  private run<T>(task: DispatchTask): Promise<T> {
    return this.pool.run(task) as Promise<T>;
  }
}

function asBuffer(body: Uint8Array | null): Buffer | null {
  return body === null ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
