/**
 * Finds the maximum sustainable publish rate (`producerRate: 0`), the way OMB's RateController
 * does: every control period, compare what was scheduled with what was published and received.
 * While both backlogs stay under their limits the rate ramps up by a factor that doubles on each
 * success (up to +100 %); when either backlog grows past its limit, the factor halves (down to
 * +10 %, see RATE_CONTROLLER_DEFAULTS) and the rate drops to what the system actually achieved, minus the excess, so the
 * backlog can shrink. The rate therefore oscillates closely around what the system sustains.
 */
import { assert } from '../../src/common/assert.js';

export interface RateControllerOptions {
  /** Scheduled-but-unpublished messages tolerated per period. */
  publishBacklogLimit: number;
  /** Published-but-unconsumed messages tolerated (only when there are consumers). */
  receiveBacklogLimit: number;
  rampFactorMin: number;
  rampFactorMax: number;
}

/**
 * OMB's limits, except the ramp floor: OMB's 1 % suits its 15-minute runs; in a 30-second run on
 * a shared machine, one noisy second that cuts the rate would then take minutes to undo, while a
 * 10 % floor climbs back in a few seconds. Above capacity the sender's window simply stays full
 * and the measured rate is the system's, so erring upward costs latency, not throughput.
 */
export const RATE_CONTROLLER_DEFAULTS: RateControllerOptions = {
  publishBacklogLimit: 1_000,
  receiveBacklogLimit: 1_000,
  rampFactorMin: 0.1,
  rampFactorMax: 1,
};

/** The first rate tried by a max-rate probe, msg/s (OMB starts at 10 000 too). */
export const RATE_PROBE_INITIAL = 10_000;

export interface RateDecision {
  nextRate: number;
  reason: 'ramp-up' | 'publish-backlog' | 'receive-backlog';
}

export class RateController {
  private rampFactor: number;
  private previousPublished = 0;
  private previousReceived = 0;

  constructor(private readonly options: RateControllerOptions = RATE_CONTROLLER_DEFAULTS) {
    assert(options.rampFactorMin > 0, 'ramp factor min must be positive');
    assert(options.rampFactorMin <= options.rampFactorMax, 'ramp factor min <= max');
    this.rampFactor = options.rampFactorMax;
  }

  /**
   * `totalPublished`/`totalReceived` are running totals (acknowledged sends, consumed messages,
   * the latter already multiplied out over subscriptions by the caller when `checkReceive`).
   */
  next(rate: number, periodSeconds: number, totalPublished: number, totalReceived: number,
    checkReceive: boolean): RateDecision {
    assert(periodSeconds > 0, 'control period must be positive');
    const expected = rate * periodSeconds;
    const published = totalPublished - this.previousPublished;
    const received = totalReceived - this.previousReceived;
    this.previousPublished = totalPublished;
    this.previousReceived = totalReceived;
    const receiveBacklog = totalPublished - totalReceived;
    if (checkReceive && receiveBacklog > this.options.receiveBacklogLimit) {
      return { nextRate: this.slowDown(periodSeconds, received, expected, receiveBacklog), reason: 'receive-backlog' };
    }
    const publishBacklog = expected - published;
    // Acks trail sends by one round trip, so at high rates a fixed limit alone would read the
    // ordinary in-flight window as a backlog; 2 % of the period's schedule is tolerated too.
    const publishBacklogLimit = Math.max(this.options.publishBacklogLimit, expected * 0.02);
    if (publishBacklog > publishBacklogLimit) {
      return { nextRate: this.slowDown(periodSeconds, published, expected, publishBacklog), reason: 'publish-backlog' };
    }
    this.rampFactor = Math.min(this.options.rampFactorMax, this.rampFactor * 2);
    return { nextRate: rate * (1 + this.rampFactor), reason: 'ramp-up' };
  }

  private slowDown(periodSeconds: number, achieved: number, expected: number, backlog: number): number {
    this.rampFactor = Math.max(this.options.rampFactorMin, this.rampFactor / 2);
    const catchUpRate = Math.max(0, expected - backlog) / periodSeconds;
    const achievedRate = achieved / periodSeconds;
    // Never let the probe stall at zero: 1 msg/s keeps it measuring.
    return Math.max(1, Math.min(achievedRate, catchUpRate));
  }
}
