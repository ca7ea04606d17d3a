/**
 * The open-loop sender. Sends happen on a schedule (one slot every 1/rate seconds), never in
 * response to a reply, and each message carries its slot's intended time: latency is measured
 * from that time, so a system that stalls is charged for every send its stall delayed.
 *
 * Hot path: one loop iteration per message, no per-message timers. A tick sends every slot that
 * is due (up to SEND_BATCH_MAX), then yields with setImmediate when more are due, or sleeps
 * with one timer until the next slot. `maxOutstanding` bounds the sends in flight; when it is
 * reached the sender waits for completions, and the slots it misses show up as publish delay.
 */
import { assert } from '../../src/common/assert.js';
import { KeyDistributor } from './types.js';
import type { BenchmarkProducer, SendOptions } from './types.js';
import type { PayloadFactory } from './payload.js';
import { nowUs } from './payload.js';
import type { BenchStats } from './stats.js';

/** Sends issued per tick before yielding to the event loop, so replies get read. */
const SEND_BATCH_MAX = 512;
/** The clock is re-read every this many sends within a tick (publish delay resolution). */
const CLOCK_REFRESH_SENDS = 32;

export interface SenderOptions {
  producers: BenchmarkProducer[];
  payloads: PayloadFactory;
  stats: BenchStats;
  maxOutstanding: number;
  keyDistributor: KeyDistributor;
  tagCount: number;
  delayLevel: number;
}

/** 'response' when the system answered with an error, 'send' for client/transport failures. */
export function sendErrorKind(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_RESPONSE' || (error as { responseCode?: unknown } | null)?.responseCode !== undefined) {
    return 'response';
  }
  return 'send';
}

export class OpenLoopSender {
  private intervalUs = 0;
  private nextIntendedUs = 0;
  private inFlight = 0;
  private running = false;
  private waitingForCompletion = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private producerIndex = 0;
  private keyIndex = 0;
  private sendLimit = Number.POSITIVE_INFINITY;
  private issued = 0;
  private idleWaiters: Array<() => void> = [];
  private limitWaiters: Array<() => void> = [];
  private readonly tick = (): void => this.runTick();
  private readonly resumeBelow: number;

  constructor(private readonly options: SenderOptions) {
    assert(options.producers.length > 0, 'a sender needs producers');
    assert(options.maxOutstanding > 0, 'maxOutstanding must be positive');
    this.resumeBelow = options.maxOutstanding - Math.ceil(options.maxOutstanding / 4);
  }

  get issuedCount(): number {
    return this.issued;
  }

  get ratePerSecond(): number {
    return this.intervalUs === 0 ? 0 : 1e6 / this.intervalUs;
  }

  /** Starts (or re-paces) the schedule; missed slots of the old rate are dropped. */
  setRate(ratePerSecond: number): void {
    assert(ratePerSecond > 0, 'rate must be positive');
    this.intervalUs = 1e6 / ratePerSecond;
    const now = nowUs();
    if (!this.running || this.nextIntendedUs < now) this.nextIntendedUs = now;
    if (!this.running) {
      this.running = true;
      this.scheduleImmediate();
    }
  }

  /** Stop issuing after `count` sends in total (backlog build); resolves when reached. */
  limitTo(count: number): Promise<void> {
    this.sendLimit = count;
    if (this.issued >= count) return Promise.resolve();
    return new Promise((resolve) => this.limitWaiters.push(resolve));
  }

  /** Stops the schedule; resolves once every send in flight has completed. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private scheduleImmediate(): void {
    if (this.immediate === undefined) this.immediate = setImmediate(this.tick);
  }

  private runTick(): void {
    this.immediate = undefined;
    this.timer = undefined;
    if (!this.running) return;
    let now = nowUs();
    let budget = SEND_BATCH_MAX;
    const outstandingMax = this.options.maxOutstanding;
    while (this.nextIntendedUs <= now && this.inFlight < outstandingMax && budget > 0
      && this.issued < this.sendLimit) {
      this.sendOne(this.nextIntendedUs, now);
      this.nextIntendedUs += this.intervalUs;
      budget--;
      if ((budget & (CLOCK_REFRESH_SENDS - 1)) === 0) now = nowUs();
    }
    this.planNextTick(now);
  }

  private planNextTick(now: number): void {
    if (this.issued >= this.sendLimit) {
      this.running = false;
      for (const resolve of this.limitWaiters.splice(0)) resolve();
      return;
    }
    if (this.inFlight >= this.options.maxOutstanding) {
      this.waitingForCompletion = true;
    } else if (this.nextIntendedUs <= now) {
      this.scheduleImmediate();
    } else {
      const delayMs = (this.nextIntendedUs - now) / 1000;
      this.timer = setTimeout(this.tick, Math.max(1, Math.floor(delayMs)));
    }
  }

  private nextOptions(): SendOptions | undefined {
    const { keyDistributor, tagCount, delayLevel } = this.options;
    if (keyDistributor === KeyDistributor.NO_KEY && tagCount === 0 && delayLevel === 0) return undefined;
    const options: SendOptions = {};
    this.keyIndex++;
    if (keyDistributor === KeyDistributor.KEY_ROUND_ROBIN) options.key = `key-${this.keyIndex % 10_000}`;
    if (keyDistributor === KeyDistributor.RANDOM_NANO) options.key = process.hrtime.bigint().toString(36);
    if (tagCount > 0) options.tag = `tag${this.keyIndex % tagCount}`;
    if (delayLevel > 0) options.delayLevel = delayLevel;
    return options;
  }

  private sendOne(intendedUs: number, sentUs: number): void {
    const { producers, payloads, stats } = this.options;
    const producer = producers[this.producerIndex]!;
    this.producerIndex = this.producerIndex + 1 === producers.length ? 0 : this.producerIndex + 1;
    const payload = payloads.next(intendedUs);
    this.inFlight++;
    this.issued++;
    producer.send(payload, this.nextOptions()).then(
      () => {
        stats.recordSent(payload.length, intendedUs, sentUs, nowUs());
        payloads.release(payload);
        this.completed();
      },
      this.sendFailed,
    );
  }

  /** One failure handler for every send (it needs nothing of the send): no closure per message. */
  private readonly sendFailed = (error: unknown): void => {
    this.options.stats.recordSendError(sendErrorKind(error));
    this.completed();
  };

  private completed(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    // Hysteresis: resume once a quarter of the window is free, so a saturated sender issues
    // sends in batches rather than one tick per completion.
    if (this.waitingForCompletion && this.running && this.inFlight <= this.resumeBelow) {
      this.waitingForCompletion = false;
      this.scheduleImmediate();
    }
  }
}
