import { assert } from '../common/assert.js';
import { type Clock, systemClock } from '../common/clock.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { IN_FLIGHT_REQUESTS_MAX } from '../common/limits.js';
import type { RemotingCommand } from '../protocol/command.js';

/**
 * Requests waiting for their response, matched by opaque, with timeouts kept by one shared
 * timer wheel instead of one timer per request: the SDK sends 100k+ requests/s, and a Node
 * timer per request costs an allocation and a heap operation each. The wheel has
 * `TIMEOUT_RESOLUTION_MS` slots; one interval timer (unref'd, running only while something
 * is pending) expires whole slots at a time, so a request times out between `timeoutMs` and
 * `timeoutMs + TIMEOUT_RESOLUTION_MS` after it was sent.
 */

/** Timeout precision. Java's client scans its response table once a second; 10 ms is plenty. */
export const TIMEOUT_RESOLUTION_MS = 10;

interface PendingEntry {
  readonly opaque: number;
  readonly table: PendingTable;
  readonly resolve: (response: RemotingCommand) => void;
  readonly reject: (error: PetrelError) => void;
  readonly code: number;
  readonly timeoutMs: number;
  settled: boolean;
  /** The wheel slot holding the entry until it settles or expires. */
  slot: number;
}

/**
 * Deadline buckets shared by every PendingTable in the process (or one per test). A settled
 * entry leaves its bucket at once (Set delete, O(1)), so at 100k requests/s with 3 s timeouts
 * the wheel holds only what is really pending, not 300k finished requests.
 */
export class TimeoutWheel {
  private readonly buckets = new Map<number, Set<PendingEntry>>();
  private sweptSlot: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly autoSweep = true,
  ) {
    this.sweptSlot = Math.floor(clock.nowMs() / TIMEOUT_RESOLUTION_MS);
  }

  /** @internal used by PendingTable. */
  schedule(entry: PendingEntry): void {
    assert(entry.timeoutMs >= 0, 'timeoutMs must be >= 0');
    const deadlineMs = this.clock.nowMs() + entry.timeoutMs;
    // Round up so a request never expires early; never into a slot already swept.
    const slot = Math.max(Math.ceil(deadlineMs / TIMEOUT_RESOLUTION_MS), this.sweptSlot + 1);
    let bucket = this.buckets.get(slot);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(slot, bucket);
    }
    bucket.add(entry);
    entry.slot = slot;
    if (this.autoSweep && this.timer === null) {
      this.timer = setInterval(() => this.sweep(), TIMEOUT_RESOLUTION_MS);
      this.timer.unref();
    }
  }

  /** Expires every entry whose slot has passed. Called by the timer, or by tests with a FakeClock. */
  sweep(): void {
    const nowSlot = Math.floor(this.clock.nowMs() / TIMEOUT_RESOLUTION_MS);
    if (nowSlot - this.sweptSlot <= this.buckets.size) {
      for (let slot = this.sweptSlot + 1; slot <= nowSlot; slot++) this.expireSlot(slot);
    } else {
      // The loop was blocked for long: visiting the few live buckets beats walking every slot.
      for (const slot of [...this.buckets.keys()]) if (slot <= nowSlot) this.expireSlot(slot);
    }
    this.sweptSlot = Math.max(this.sweptSlot, nowSlot);
    if (this.buckets.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** @internal used by PendingTable when an entry settles before its deadline. */
  cancel(entry: PendingEntry): void {
    const bucket = this.buckets.get(entry.slot);
    if (bucket === undefined) return;
    bucket.delete(entry);
    if (bucket.size === 0) this.buckets.delete(entry.slot);
  }

  /** Number of buckets alive (for tests). */
  get bucketCount(): number {
    return this.buckets.size;
  }

  private expireSlot(slot: number): void {
    const bucket = this.buckets.get(slot);
    if (bucket === undefined) return;
    this.buckets.delete(slot);
    for (const entry of bucket) if (!entry.settled) entry.table.expire(entry);
  }
}

/** The process-wide wheel every table uses unless given another. */
export const sharedTimeoutWheel = new TimeoutWheel();

/**
 * One side's outstanding requests on one connection. `add` returns the promise of the
 * response; `complete` settles it when the response arrives; `failAll` rejects everything
 * (ERR_REMOTING_CLOSED when the connection drops).
 */
export class PendingTable {
  private readonly entries = new Map<number, PendingEntry>();

  constructor(
    private readonly describe: string,
    private readonly inFlightMax: number = IN_FLIGHT_REQUESTS_MAX,
    private readonly wheel: TimeoutWheel = sharedTimeoutWheel,
  ) {
    assert(inFlightMax > 0, 'inFlightMax must be > 0');
  }

  get size(): number {
    return this.entries.size;
  }

  /** True when another `add` would be refused. */
  get full(): boolean {
    return this.entries.size >= this.inFlightMax;
  }

  /**
   * Registers a request before it is written. Rejects at once with
   * ERR_REMOTING_TOO_MANY_IN_FLIGHT when the bound is reached.
   */
  add(opaque: number, code: number, timeoutMs: number): Promise<RemotingCommand> {
    if (this.full) {
      return Promise.reject(new PetrelError(
        ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT,
        `${this.entries.size} requests in flight to ${this.describe} (max ${this.inFlightMax})`,
        { retriable: true },
      ));
    }
    assert(!this.entries.has(opaque), 'opaque already in flight');
    return new Promise<RemotingCommand>((resolve, reject) => {
      const entry: PendingEntry = {
        opaque, table: this, resolve, reject, code, timeoutMs, settled: false, slot: 0,
      };
      this.entries.set(opaque, entry);
      this.wheel.schedule(entry);
    });
  }

  /** Settles the request `response` answers. Returns false for an unknown (late) opaque. */
  complete(response: RemotingCommand): boolean {
    const entry = this.entries.get(response.opaque);
    if (entry === undefined) return false;
    this.settle(entry);
    this.wheel.cancel(entry);
    entry.resolve(response);
    return true;
  }

  /** Rejects a request that could not be written (the caller already has the error). */
  fail(opaque: number, error: PetrelError): void {
    const entry = this.entries.get(opaque);
    if (entry === undefined) return;
    this.settle(entry);
    this.wheel.cancel(entry);
    entry.reject(error);
  }

  /** Rejects every outstanding request with `error`. */
  failAll(error: PetrelError): void {
    const entries = [...this.entries.values()];
    for (const entry of entries) {
      this.settle(entry);
      this.wheel.cancel(entry);
      entry.reject(error);
    }
    assert(this.entries.size === 0, 'failAll left entries');
  }

  /** @internal called by the wheel. */
  expire(entry: PendingEntry): void {
    assert(this.entries.get(entry.opaque) === entry, 'expired entry not in its table');
    this.settle(entry);
    entry.reject(new PetrelError(
      ErrorCode.ERR_REMOTING_TIMEOUT,
      `request code ${entry.code} opaque ${entry.opaque} to ${this.describe} timed out after ${entry.timeoutMs} ms`,
      { retriable: true },
    ));
  }

  private settle(entry: PendingEntry): void {
    assert(!entry.settled, 'entry settled twice');
    entry.settled = true;
    this.entries.delete(entry.opaque);
  }
}
