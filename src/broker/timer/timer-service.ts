import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { MessageConst } from '../../protocol/message-const.js';
import type { StoreFacade, StoredMessage } from '../store-facade.js';
import { fromTimed } from './timed-message.js';
import type { TimerCheckpoint } from './timer-checkpoint.js';
import { type TimerEntry, TimerHeap } from './timer-heap.js';
import { TIMER_QUEUE_ID, TIMER_TOPIC, parseTimerDeliverMs } from './timer-rules.js';

/** How often the timer topic is looked at for new entries (one shared-memory read when idle). */
export const TIMER_SCAN_INTERVAL_MS = 10;
/** Timer-topic records read per store call while scanning. */
export const TIMER_READ_BATCH_MAX = 256;
/** Due entries delivered per tick; more due ones go in the next tick, at once. */
export const TIMER_FIRE_BATCH_MAX = 256;
/** Pause after a store refusal before trying again. */
export const TIMER_FAILURE_BACKOFF_MS = 1000;
/**
 * Delivered offsets above the lowest undelivered one that the checkpoint may hold; beyond it the
 * entry holding the low mark back is re-parked at the queue's end (same delivery time).
 */
export const TIMER_DELIVERED_ABOVE_MAX = 65_536;

export interface TimerServiceOptions {
  store: StoreFacade;
  checkpoint: TimerCheckpoint;
  clock: Clock;
  logger: Logger;
}

/**
 * Arbitrary-time delivery (timer-rules.ts; docs/decisions.md "Timer messages"). Timer messages
 * sit in TIMER_TOPIC queue 0 in arrival order, due in any order. This service keeps every
 * undelivered entry in a min-heap of (deliverMs, queue offset, physical offset), filled by
 * scanning the queue past what it has seen (at start: from the checkpoint's low mark, skipping
 * offsets it lists as delivered), and runs one timer: it sleeps until the earliest due time or
 * the next scan, then re-stores every due message to REAL_TOPIC / REAL_QID and records the
 * offsets as delivered in the checkpoint. Main thread only; `runOnce` is the tests' entry.
 */
export class TimerService {
  private readonly heap = new TimerHeap();
  /** Undelivered entries by queue offset; heap entries not found here are stale. */
  private readonly pending = new Map<number, TimerEntry>();
  private scannedOffset = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;

  constructor(private readonly options: TimerServiceOptions) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Scans new timer entries and delivers the due ones; resolves with the number delivered. */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      await this.scanNew();
      const delivered = await this.fireDue();
      if (this.options.checkpoint.aboveCount > TIMER_DELIVERED_ABOVE_MAX) await this.reparkLowest();
      return delivered;
    } finally {
      this.running = false;
    }
  }

  private async scanNew(): Promise<void> {
    const { store, checkpoint } = this.options;
    checkpoint.skipTo(store.minOffset(TIMER_TOPIC, TIMER_QUEUE_ID));
    this.scannedOffset = Math.max(this.scannedOffset, checkpoint.lowOffset);
    const maxOffset = store.maxOffset(TIMER_TOPIC, TIMER_QUEUE_ID);
    while (this.scannedOffset < maxOffset) {
      const batch = await store.readDuePrefix(TIMER_TOPIC, TIMER_QUEUE_ID, this.scannedOffset, TIMER_READ_BATCH_MAX, () => true);
      const last = batch.at(-1);
      if (last === undefined) return;
      for (const stored of batch) this.track(stored);
      this.scannedOffset = last.queueOffset + 1;
      // A start with many pending entries must not hold the main thread for the whole rebuild.
      await new Promise((resolveYield) => setImmediate(resolveYield));
    }
  }

  private track(stored: StoredMessage): void {
    if (this.options.checkpoint.isDelivered(stored.queueOffset) || this.pending.has(stored.queueOffset)) return;
    const deliverMs = parseTimerDeliverMs(stored.properties[MessageConst.TIMER_DELIVER_MS]) ?? 0;
    const entry: TimerEntry = { deliverMs, queueOffset: stored.queueOffset, physicalOffset: stored.physicalOffset };
    this.pending.set(entry.queueOffset, entry);
    this.heap.push(entry);
  }

  private async fireDue(): Promise<number> {
    const nowMs = this.options.clock.nowMs();
    const due: TimerEntry[] = [];
    while (due.length < TIMER_FIRE_BATCH_MAX) {
      const top = this.heap.peek();
      if (top === undefined || top.deliverMs > nowMs) break;
      this.heap.pop();
      if (this.pending.get(top.queueOffset) === top) due.push(top);
    }
    // Started together so the store producer batches the appends; submitted in due order.
    const outcomes = await Promise.all(due.map((entry) => this.deliver(entry)));
    const failed = outcomes.filter((delivered) => !delivered).length;
    if (failed > 0) throw new Error(`timer delivery refused by the store for ${failed} message(s)`);
    return outcomes.length;
  }

  private async deliver(entry: TimerEntry): Promise<boolean> {
    const { store, logger } = this.options;
    const stored = await store.readMessage(entry.physicalOffset);
    const real = stored === null ? null : fromTimed(stored);
    if (real === null) {
      logger.warn({ queueOffset: entry.queueOffset }, 'timer entry unreadable or without REAL_TOPIC; skipped');
      this.markDelivered(entry);
      return true;
    }
    const outcome = await store.append(real);
    if (outcome.status !== 'ok') {
      this.heap.push(entry);
      return false;
    }
    this.markDelivered(entry);
    return true;
  }

  private markDelivered(entry: TimerEntry): void {
    this.pending.delete(entry.queueOffset);
    this.options.checkpoint.markDelivered(entry.queueOffset);
  }

  /** Re-parks the entry at the low mark at the queue's end so the checkpoint stays small. */
  private async reparkLowest(): Promise<void> {
    const { store, checkpoint } = this.options;
    const entry = this.pending.get(checkpoint.lowOffset);
    if (entry === undefined) return;
    const stored = await store.readMessage(entry.physicalOffset);
    if (stored === null) return;
    const outcome = await store.append({ ...stored, tagsCodeOverride: entry.deliverMs });
    if (outcome.status === 'ok') this.markDelivered(entry);
  }

  /** Sleeps until the earliest due time, but never longer than the scan interval. */
  private nextDelayMs(): number {
    const top = this.heap.peek();
    if (top === undefined) return TIMER_SCAN_INTERVAL_MS;
    return Math.max(0, Math.min(TIMER_SCAN_INTERVAL_MS, top.deliverMs - this.options.clock.nowMs()));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce().then(
        () => this.schedule(this.nextDelayMs()),
        (error: unknown) => {
          this.options.logger.warn({ err: error }, 'timer round failed; backing off');
          this.schedule(TIMER_FAILURE_BACKOFF_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }
}
