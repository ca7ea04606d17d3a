import { assert } from '../../common/assert.js';
import { FifoQueue } from '../../common/fifo-queue.js';
import type { AppendCallback, AppendSubmitStatus } from '../../store/types.js';
import type { MessageAppender } from './ports.js';

/**
 * RocketMQ's send queue, for a store that answers "ring full" at once: an append the store
 * refuses as busy waits here, in arrival order, and is offered again whenever one of this
 * thread's appends completes (the store has room again), or every `SEND_QUEUE_POLL_MS` while
 * nothing completes. RocketMQ's broker does the same with its send thread pool's queue: a
 * request waits up to `waitTimeMillsInSendQueue` (200 ms) before the fast-failure sweep answers
 * SYSTEM_BUSY "[TIMEOUT_CLEAN_QUEUE]", and a full queue answers SYSTEM_BUSY at once. Without
 * it, a store worker descheduled for a few ms turns a full ring into a burst of refused sends.
 *
 * Memory is bounded: at most `capacityRequests` requests and `capacityBytes` bytes wait (past
 * either the send is refused at once), and each connection's unanswered requests are capped by
 * the transport, which stops reading from it. Order is kept: once anything waits, later appends
 * wait behind it, so a queue's records are stored in the order their requests arrived.
 */
export const SEND_QUEUE_POLL_MS = 5;

export type SendRefusal = Exclude<AppendSubmitStatus, 'queued'> | 'busy-timeout';

export interface SendQueueOptions {
  /** `waitTimeMillsInSendQueue`: longest wait before SYSTEM_BUSY. */
  readonly waitTimeMs: number;
  /** `brokerFastFailureEnable`: when false a waiting send never times out (still bounded). */
  readonly fastFailure: boolean;
  /** `sendThreadPoolQueueCapacity`: requests that may wait. */
  readonly capacityRequests: number;
  /** Bytes of records that may wait. */
  readonly capacityBytes: number;
  readonly nowMs: () => number;
}

interface WaitingSend {
  readonly records: Uint8Array;
  readonly tagsCodes: number | readonly number[];
  readonly done: AppendCallback;
  readonly refused: (why: SendRefusal) => void;
  readonly enqueuedMs: number;
}

export class SendQueue {
  private readonly waiting = new FifoQueue<WaitingSend>();
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | undefined = undefined;
  private offerScheduled = false;
  private readonly offerTask = (): void => {
    this.offerScheduled = false;
    this.offer();
  };

  constructor(private readonly appender: MessageAppender, private readonly options: SendQueueOptions) {
    assert(options.capacityRequests >= 1 && options.capacityBytes >= 1, 'send queue capacity must be positive');
  }

  /** Sends waiting now. */
  get size(): number {
    return this.waiting.size;
  }

  get bytes(): number {
    return this.waitingBytes;
  }

  /**
   * Appends `records` (copied if they have to wait: the caller may reuse its buffer once this
   * returns). Exactly one of `done` / `refused` runs, later or before this returns.
   */
  append(records: Uint8Array, tagsCodes: number | readonly number[], done: AppendCallback,
    refused: (why: SendRefusal) => void): void {
    if (this.size === 0) {
      const submitted = this.appender.append(records, tagsCodes, this.completing(done));
      if (submitted === 'queued') return;
      if (submitted !== 'busy') {
        refused(submitted);
        return;
      }
    }
    if (this.size >= this.options.capacityRequests || this.waitingBytes + records.length > this.options.capacityBytes) {
      refused('busy');
      return;
    }
    this.waiting.push({
      records: Uint8Array.prototype.slice.call(records), tagsCodes, done, refused, enqueuedMs: this.options.nowMs(),
    });
    this.waitingBytes += records.length;
    this.armTimer();
  }

  /** Refuses everything waiting (the thread is stopping). */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.size > 0) this.take().refused('busy');
  }

  private completing(done: AppendCallback): AppendCallback {
    return (result) => {
      done(result);
      if (this.size > 0 && !this.offerScheduled) {
        this.offerScheduled = true;
        queueMicrotask(this.offerTask);
      }
    };
  }

  /** Offers waiting sends to the store in order until it refuses one as busy. */
  private offer(): void {
    const now = this.options.nowMs();
    while (this.size > 0) {
      const next = this.waiting.peek();
      if (this.options.fastFailure && now - next.enqueuedMs >= this.options.waitTimeMs) {
        this.take().refused('busy-timeout');
        continue;
      }
      const submitted = this.appender.append(next.records, next.tagsCodes, this.completing(next.done));
      if (submitted === 'busy') break;
      this.take();
      if (submitted !== 'queued') next.refused(submitted);
    }
    if (this.size === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private take(): WaitingSend {
    const entry = this.waiting.shift();
    this.waitingBytes -= entry.records.length;
    return entry;
  }

  private armTimer(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      this.timer = undefined;
      this.offer();
      if (this.size > 0) this.armTimer();
    };
    this.timer = setTimeout(tick, SEND_QUEUE_POLL_MS);
    this.timer.unref();
  }
}
