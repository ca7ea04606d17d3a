import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError } from '../common/errors.js';

/**
 * SEND requests in flight on one broker connection, the producer's hot path: one small entry per
 * request, matched by opaque, told to its waiter directly (no promise, no closure per request).
 * The remoting PendingTable (one promise, two closures and a timer-wheel Set entry per request)
 * still serves every other request on the connection; SENDs use negative opaques so the two
 * never collide (the Dispatcher counts up from 1).
 *
 * Timeouts: entries are kept in one FIFO per distinct `timeoutMs` (sends of one producer nearly
 * all share `sendMsgTimeout`), so within a FIFO deadlines only grow and a periodic `expire`
 * pops expired or settled entries from the head. A request times out between `timeoutMs` and
 * `timeoutMs` + the sweep interval after it was sent. A settled entry behind a slow one stays
 * queued until the slow one settles; the FIFO is compacted when such entries dominate it.
 */
export interface SendWaiter<Response> {
  /** The broker's answer, whatever its response code. */
  onResponse(response: Response): void;
  /** ERR_REMOTING_TIMEOUT, ERR_REMOTING_CLOSED, ERR_REMOTING_TOO_MANY_IN_FLIGHT, ... */
  onError(error: PetrelError): void;
}

interface Entry<Response> {
  readonly opaque: number;
  readonly code: number;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  /** Null once settled. */
  waiter: SendWaiter<Response> | null;
}

/** Entries of one timeout, in send order (so in deadline order). */
class DeadlineQueue<Response> {
  items: Array<Entry<Response>> = [];
  head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  compact(): void {
    this.items = this.items.slice(this.head).filter((entry) => entry.waiter !== null);
    this.head = 0;
  }
}

/**
 * Compaction is amortized O(1) per entry: a FIFO is copied when its consumed head is over half
 * of it, or when settled entries (behind a slow one) outnumber twice the live ones by this much.
 */
const COMPACT_SLACK_ENTRIES = 1024;

export class SendTable<Response> {
  private readonly entries = new Map<number, Entry<Response>>();
  private readonly queues = new Map<number, DeadlineQueue<Response>>();

  constructor(private readonly describe: string, private readonly inFlightMax: number) {
    assert(inFlightMax > 0, 'inFlightMax must be > 0');
  }

  get size(): number {
    return this.entries.size;
  }

  get full(): boolean {
    return this.entries.size >= this.inFlightMax;
  }

  /** Registers a request about to be written; the caller checked `full` first. */
  add(opaque: number, code: number, timeoutMs: number, nowMs: number, waiter: SendWaiter<Response>): void {
    assert(!this.entries.has(opaque), 'opaque already in flight');
    const entry: Entry<Response> = { opaque, code, timeoutMs, deadlineMs: nowMs + timeoutMs, waiter };
    this.entries.set(opaque, entry);
    let queue = this.queues.get(timeoutMs);
    if (queue === undefined) {
      queue = new DeadlineQueue<Response>();
      this.queues.set(timeoutMs, queue);
    }
    queue.items.push(entry);
  }

  /** Hands `response` to its waiter; false for an opaque not in flight (late, after a timeout). */
  complete(opaque: number, response: Response): boolean {
    const entry = this.entries.get(opaque);
    if (entry === undefined) return false;
    const waiter = this.settle(entry);
    waiter.onResponse(response);
    return true;
  }

  /** Fails one request that could not be written. */
  fail(opaque: number, error: PetrelError): void {
    const entry = this.entries.get(opaque);
    if (entry !== undefined) this.settle(entry).onError(error);
  }

  /** Fails every request in flight (the connection closed). */
  failAll(error: PetrelError): void {
    const waiters: Array<SendWaiter<Response>> = [];
    for (const entry of this.entries.values()) waiters.push(this.settle(entry));
    this.queues.clear();
    for (const waiter of waiters) waiter.onError(error);
  }

  /** Times out every request whose deadline is <= nowMs; drops settled entries from FIFO heads. */
  expire(nowMs: number): void {
    const expired: Array<Entry<Response>> = [];
    for (const [timeoutMs, queue] of this.queues) {
      const items = queue.items;
      let head = queue.head;
      while (head < items.length) {
        const entry = items[head] as Entry<Response>;
        if (entry.waiter !== null && entry.deadlineMs > nowMs) break;
        if (entry.waiter !== null) expired.push(entry);
        head++;
      }
      queue.head = head;
      if (queue.length === 0) this.queues.delete(timeoutMs);
      else if (queue.head > COMPACT_SLACK_ENTRIES && queue.head * 2 > queue.items.length) queue.compact();
      else if (queue.length > 2 * this.entries.size + COMPACT_SLACK_ENTRIES) queue.compact();
    }
    for (const entry of expired) {
      if (entry.waiter === null) continue;
      this.settle(entry).onError(new PetrelError(
        ErrorCode.ERR_REMOTING_TIMEOUT,
        `request code ${entry.code} opaque ${entry.opaque} to ${this.describe} timed out after ${entry.timeoutMs} ms`,
        { retriable: true },
      ));
    }
  }

  private settle(entry: Entry<Response>): SendWaiter<Response> {
    const waiter = entry.waiter;
    assert(waiter !== null, 'send entry settled twice');
    entry.waiter = null;
    this.entries.delete(entry.opaque);
    return waiter;
  }
}
