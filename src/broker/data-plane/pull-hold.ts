import { assert } from '../../common/assert.js';
import type { Clock } from '../../common/clock.js';
import { PULL_HOLD_COUNT_MAX, PULL_HOLD_SWEEP_MS } from './bounds.js';

/**
 * Long polling (RocketMQ's PullRequestHoldService, reference §5.6). A pull that found nothing
 * new is parked under `topic@queueId` until that queue's max offset passes the pull's offset
 * or its hold time ends; then `resume` runs once and the caller re-executes the pull without
 * the right to suspend again. Wake-ups come from the store's max-offset change notification
 * (coalesced: one scan per event-loop turn however many queues moved) and one sweep timer for
 * deadlines, running only while something is held, instead of a timer per held pull.
 * The store-change subscription is also taken only while something is held: every store
 * publish would otherwise wake every I/O thread (an Atomics.waitAsync round per batch) for
 * nothing. Owned by one thread (the I/O thread that holds the pull's connection).
 */
export interface HeldPull {
  readonly topic: string;
  readonly queueId: number;
  /** The offset the pull asked for: it resumes once the queue's max offset exceeds it. */
  readonly queueOffset: number;
  readonly deadlineMs: number;
  /** Runs exactly once: on data, on deadline, or on stop. */
  readonly resume: () => void;
}

export interface QueueMaxOffsets {
  maxOffset(topic: string, queueId: number): number;
  /** Store change notifications (coalesced); subscribed only while a pull is held. */
  onMaxOffsetChange?(listener: () => void): () => void;
}

export class PullHoldService {
  private readonly held = new Map<string, HeldPull[]>();
  private heldCount = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly changed = (): void => this.notifyChanged();
  private scanScheduled = false;
  private stopped = false;

  constructor(
    private readonly offsets: QueueMaxOffsets,
    private readonly clock: Clock,
    private readonly heldCountMax: number = PULL_HOLD_COUNT_MAX,
  ) {
    assert(heldCountMax > 0, 'heldCountMax must be positive');
  }

  get size(): number {
    return this.heldCount;
  }

  /** Parks a pull. False (nothing parked) when the bound is reached or the service stopped. */
  hold(pull: HeldPull): boolean {
    if (this.stopped || this.heldCount >= this.heldCountMax) return false;
    const key = queueKey(pull.topic, pull.queueId);
    let list = this.held.get(key);
    if (list === undefined) {
      list = [];
      this.held.set(key, list);
    }
    list.push(pull);
    this.heldCount += 1;
    this.ensureSweep();
    if (this.unsubscribe === null && this.offsets.onMaxOffsetChange !== undefined) {
      this.unsubscribe = this.offsets.onMaxOffsetChange(this.changed);
    }
    // The queue may have moved between the read and the park: check once right away.
    this.notifyChanged();
    return true;
  }

  /** A max offset moved somewhere; scans the held queues on the next turn (coalesced). */
  notifyChanged(): void {
    if (this.scanScheduled || this.heldCount === 0) return;
    this.scanScheduled = true;
    setImmediate(() => {
      this.scanScheduled = false;
      this.scan(false);
    });
  }

  /** Resumes every held pull (shutdown: each gets its PULL_NOT_FOUND answer). */
  stop(): void {
    this.stopped = true;
    for (const list of this.held.values()) for (const pull of list) pull.resume();
    this.held.clear();
    this.heldCount = 0;
    this.stopSweep();
  }

  /** Resumes the pulls whose queue moved, and (when `deadlines`) those whose time is up. */
  private scan(deadlines: boolean): void {
    const nowMs = this.clock.nowMs();
    for (const [key, list] of this.held) {
      const first = list[0];
      if (first === undefined) continue;
      const maxOffset = this.offsets.maxOffset(first.topic, first.queueId);
      const kept: HeldPull[] = [];
      const due: HeldPull[] = [];
      for (const pull of list) {
        const isDue = maxOffset > pull.queueOffset || (deadlines && nowMs >= pull.deadlineMs);
        (isDue ? due : kept).push(pull);
      }
      if (due.length === 0) continue;
      if (kept.length === 0) this.held.delete(key);
      else this.held.set(key, kept);
      this.heldCount -= due.length;
      for (const pull of due) pull.resume();
    }
    assert(this.heldCount >= 0, 'held count went negative');
    if (this.heldCount === 0) this.stopSweep();
  }

  private ensureSweep(): void {
    if (this.sweepTimer !== null) return;
    this.sweepTimer = setInterval(() => this.scan(true), PULL_HOLD_SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** Nothing held: no sweep timer, no store-change subscription. */
  private stopSweep(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.sweepTimer === null) return;
    clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }
}

function queueKey(topic: string, queueId: number): string {
  return `${topic}@${queueId}`;
}
