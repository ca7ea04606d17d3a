import { assert } from '../common/assert.js';
import { type Clock, systemClock } from '../common/clock.js';

/**
 * Broker fault avoidance for sends (Java's MQFaultStrategy + LatencyFaultToleranceImpl, enabled
 * here by default). Every send outcome updates the broker's entry: a slow send makes it
 * "not available" for a while (the slower, the longer, Java's latency table), a failed send
 * isolates it for `isolationMs`. Queue selection skips brokers that are not available yet and
 * the broker of the previous failed attempt; when all are avoided it still picks one.
 */
/** Java's latencyMax: send latencies at which the not-available duration steps up. */
const LATENCY_STEPS_MS = [50, 100, 550, 1000, 2000, 3000, 15000] as const;
/** Java's notAvailableDuration for each step. */
const NOT_AVAILABLE_MS = [0, 0, 30000, 60000, 120000, 180000, 600000] as const;
assert(LATENCY_STEPS_MS.length === NOT_AVAILABLE_MS.length, 'latency table shape');

/** How long a broker is avoided after a failed send (transport error or retriable code). */
export const FAULT_ISOLATION_MS_DEFAULT = 30_000;
/** Bound on tracked brokers: more would be a bug or a hostile route. */
const FAULT_ENTRIES_MAX = 4096;

export class LatencyFaultTolerance {
  private readonly availableAtMs = new Map<string, number>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly isolationMs: number = FAULT_ISOLATION_MS_DEFAULT,
  ) {
    assert(isolationMs >= 0, 'isolationMs must be >= 0');
  }

  /** Records a send outcome: its latency, or a failure (`isolate`). */
  update(brokerName: string, latencyMs: number, isolate: boolean): void {
    const durationMs = isolate ? this.isolationMs : notAvailableDurationMs(latencyMs);
    if (durationMs === 0) {
      this.availableAtMs.delete(brokerName);
      return;
    }
    if (this.availableAtMs.size >= FAULT_ENTRIES_MAX && !this.availableAtMs.has(brokerName)) return;
    this.availableAtMs.set(brokerName, this.clock.nowMs() + durationMs);
  }

  isAvailable(brokerName: string): boolean {
    const atMs = this.availableAtMs.get(brokerName);
    return atMs === undefined || atMs <= this.clock.nowMs();
  }

  remove(brokerName: string): void {
    this.availableAtMs.delete(brokerName);
  }
}

export function notAvailableDurationMs(latencyMs: number): number {
  for (let i = LATENCY_STEPS_MS.length - 1; i >= 0; i--) {
    if (latencyMs >= (LATENCY_STEPS_MS[i] as number)) return NOT_AVAILABLE_MS[i] as number;
  }
  return 0;
}
