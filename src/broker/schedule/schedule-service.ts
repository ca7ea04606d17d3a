import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { SystemName } from '../../protocol/message-const.js';
import type { StoreFacade } from '../store-facade.js';
import type { DelayOffsetManager } from './delay-offset-manager.js';
import { scheduleQueueIdOf } from './delay-levels.js';
import { fromScheduled } from './scheduled-message.js';

/** Java's rhythm (reference §5.1): 100 ms between rounds, 10 s back-off after a store failure. */
export const SCHEDULE_ROUND_INTERVAL_MS = 100;
export const SCHEDULE_FAILURE_BACKOFF_MS = 10_000;
/** Entries read per level per round: bounds one round's work. */
export const SCHEDULE_ENTRIES_PER_ROUND_MAX = 64;

export interface ScheduleServiceOptions {
  store: StoreFacade;
  delayOffsets: DelayOffsetManager;
  levelsMs: readonly number[];
  clock: Clock;
  logger: Logger;
}

/**
 * The delay-level scheduler (reference §5.1): for each level, reads `SCHEDULE_TOPIC_XXXX` queue
 * `level - 1` from the offset in `delayOffset.json`; an entry whose due time (its tagsCode) has
 * come is re-stored to REAL_TOPIC / REAL_QID and the level's offset advances; the first entry
 * not yet due ends that level's round (entries of one level are in due order). A due time
 * further away than the level's delay is treated as due now. One round at a time, on the main
 * thread; `runOnce` is the unit tests' entry point.
 */
export class ScheduleService {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;

  constructor(private readonly options: ScheduleServiceOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(SCHEDULE_ROUND_INTERVAL_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One round over every level; resolves with the number of messages delivered. */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      let delivered = 0;
      for (let level = 1; level <= this.options.levelsMs.length; level++) delivered += await this.deliverLevel(level);
      return delivered;
    } finally {
      this.running = false;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce().then(
        () => this.schedule(SCHEDULE_ROUND_INTERVAL_MS),
        (error: unknown) => {
          this.options.logger.warn({ err: error }, 'delay scheduler round failed; backing off');
          this.schedule(SCHEDULE_FAILURE_BACKOFF_MS);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async deliverLevel(level: number): Promise<number> {
    const { store, delayOffsets, clock } = this.options;
    const queueId = scheduleQueueIdOf(level);
    const topic = SystemName.SCHEDULE_TOPIC;
    let nextOffset = Math.max(delayOffsets.get(level), store.minOffset(topic, queueId));
    if (nextOffset >= store.maxOffset(topic, queueId)) return 0;
    const levelDelayMs = this.options.levelsMs[level - 1] ?? 0;
    const nowMs = clock.nowMs();
    // A due time further away than the level's delay (clock moved back) counts as due now.
    const isDue = (dueMs: number): boolean => dueMs <= nowMs || dueMs > nowMs + levelDelayMs;
    const due = await store.readDuePrefix(topic, queueId, nextOffset, SCHEDULE_ENTRIES_PER_ROUND_MAX, isDue);
    let delivered = 0;
    for (const stored of due) {
      const real = fromScheduled(stored);
      if (real === null) {
        this.options.logger.warn({ level, queueOffset: stored.queueOffset }, 'schedule entry without REAL_TOPIC; skipped');
      } else {
        const outcome = await store.append(real);
        if (outcome.status !== 'ok') throw new Error(`redelivery to ${real.topic} refused: ${outcome.status}`);
        delivered++;
      }
      nextOffset = stored.queueOffset + 1;
      delayOffsets.set(level, nextOffset);
    }
    return delivered;
  }
}
