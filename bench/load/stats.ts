/**
 * Counters and HDR histograms for one run. All latencies are recorded in microseconds.
 *
 * Each latency has an interval histogram (what happened since the last snapshot) and a
 * cumulative one for the measured phase. Only the interval histogram is touched per message;
 * a snapshot folds it into the cumulative one, so the hot path records each value once.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Publish latency and delay are tracked up to 60 s, end to end up to 12 h, as OMB does. */
const PUBLISH_US_MAX = 60 * 1_000_000;
const END_TO_END_US_MAX = 12 * 3600 * 1_000_000;
/** 3 significant digits = 0.1 % value precision, small enough to encode every 10 s. */
const SIGNIFICANT_DIGITS = 3;

export const LATENCY_METRICS = [
  'publishLatency', 'publishDelayLatency', 'endToEndLatency', 'storeToConsumeLatency',
] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** One histogram's summary, µs. */
export interface LatencySummaryUs {
  count: number;
  avg: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
}

export function newHistogram(highestUs: number): Histogram {
  const histogram = build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: highestUs,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
  installIntegerIndex(histogram as Histogram & CountsIndexed);
  return histogram;
}

/** What `installIntegerIndex` uses of the library's JsHistogram (public fields in its typings). */
interface CountsIndexed {
  countsArrayIndex(value: number): number;
  readonly subBucketHalfCountMagnitude: number;
  readonly subBucketHalfCount: number;
  readonly unitMagnitude: number;
}

/** Integers below 2^31 take the clz32 path; anything else the library's own computation. */
const INTEGER_INDEX_LIMIT = 2 ** 31;

/**
 * Gives a histogram the counts-array index of hdr-histogram-js (`countsArrayIndex`: bucket =
 * floor(log2 value) - subBucketHalfCountMagnitude - unitMagnitude, sub-bucket = value >> bucket)
 * computed with Math.clz32 and shifts for integer values below 2^31 instead of Math.log2, Math.pow
 * and float division: every recorded latency pays it (it was ~1/8 of the load generator's busy
 * time at 100k msg/s). Same index for every value (test/property/bench/histogram-index).
 */
export function installIntegerIndex(histogram: CountsIndexed): void {
  const general = histogram.countsArrayIndex.bind(histogram);
  const halfMagnitude = histogram.subBucketHalfCountMagnitude;
  const halfCount = histogram.subBucketHalfCount;
  const unitMagnitude = histogram.unitMagnitude;
  histogram.countsArrayIndex = (value: number): number => {
    if (!(value >= 1 && value < INTEGER_INDEX_LIMIT && (value | 0) === value)) return general(value);
    const log2 = 31 - Math.clz32(value);
    const bucketIndex = log2 - halfMagnitude - unitMagnitude > 0 ? log2 - halfMagnitude - unitMagnitude : 0;
    const subBucketIndex = value >>> (bucketIndex + unitMagnitude);
    return ((bucketIndex + 1) << halfMagnitude) + subBucketIndex - halfCount;
  };
}

export function summarize(histogram: Histogram): LatencySummaryUs {
  const count = histogram.totalCount;
  if (count === 0) return { count, avg: 0, p50: 0, p75: 0, p95: 0, p99: 0, p999: 0, p9999: 0, max: 0 };
  return {
    count,
    avg: histogram.mean,
    p50: histogram.getValueAtPercentile(50),
    p75: histogram.getValueAtPercentile(75),
    p95: histogram.getValueAtPercentile(95),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    p9999: histogram.getValueAtPercentile(99.99),
    max: histogram.maxValue,
  };
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64, 32, false);
}

class LatencyRecorder {
  readonly interval: Histogram;
  readonly total: Histogram;
  private readonly highestUs: number;

  constructor(highestUs: number) {
    this.highestUs = highestUs;
    this.interval = newHistogram(highestUs);
    this.total = newHistogram(highestUs);
  }

  record(valueUs: number): void {
    // Clock skew between processes can make an end-to-end value slightly negative.
    const clamped = valueUs < 1 ? 1 : valueUs > this.highestUs ? this.highestUs : valueUs;
    this.interval.recordValue(Math.round(clamped));
  }

  /** Summarizes and clears the interval; folds it into the total when `measuring`. */
  takeInterval(measuring: boolean): LatencySummaryUs {
    const summary = summarize(this.interval);
    if (measuring) this.total.add(this.interval);
    this.interval.reset();
    return summary;
  }
}

/** What happened during one sampling period. Rates are per second. */
export interface PeriodSnapshot {
  elapsedSeconds: number;
  periodSeconds: number;
  publishRate: number;
  publishBytesRate: number;
  publishErrorRate: number;
  consumeRate: number;
  consumeBytesRate: number;
  backlog: number;
  latencies: Record<LatencyMetric, LatencySummaryUs>;
}

export class BenchStats {
  totalSent = 0;
  totalSentBytes = 0;
  totalSendErrors = 0;
  totalReceived = 0;
  totalReceivedBytes = 0;
  /** Send failures by kind: 'send' = client/transport failure, 'response' = broker refused. */
  readonly errorsByKind = new Map<string, number>();
  private readonly recorders: Record<LatencyMetric, LatencyRecorder> = {
    publishLatency: new LatencyRecorder(PUBLISH_US_MAX),
    publishDelayLatency: new LatencyRecorder(PUBLISH_US_MAX),
    endToEndLatency: new LatencyRecorder(END_TO_END_US_MAX),
    storeToConsumeLatency: new LatencyRecorder(END_TO_END_US_MAX),
  };
  private periodSent = 0;
  private periodSentBytes = 0;
  private periodErrors = 0;
  private periodReceived = 0;
  private periodReceivedBytes = 0;
  private periodStartUs: number;
  private readonly runStartUs: number;

  constructor(startUs: number, private readonly subscriptionsPerTopic: number) {
    this.periodStartUs = startUs;
    this.runStartUs = startUs;
  }

  recordSent(sizeBytes: number, intendedUs: number, sentUs: number, ackedUs: number): void {
    this.periodSent++;
    this.periodSentBytes += sizeBytes;
    this.totalSent++;
    this.totalSentBytes += sizeBytes;
    // Measured from the intended send time: a stalled system cannot hide its stall behind a
    // sender that waited for it (coordinated omission).
    this.recorders.publishLatency.record(ackedUs - intendedUs);
    this.recorders.publishDelayLatency.record(sentUs - intendedUs);
  }

  recordSendError(kind: string): void {
    this.periodErrors++;
    this.totalSendErrors++;
    this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
  }

  recordReceived(sizeBytes: number, bornUs: number | undefined, storeUs: number | undefined, nowUs: number): void {
    this.periodReceived++;
    this.periodReceivedBytes += sizeBytes;
    this.totalReceived++;
    this.totalReceivedBytes += sizeBytes;
    if (bornUs !== undefined) this.recorders.endToEndLatency.record(nowUs - bornUs);
    if (storeUs !== undefined) this.recorders.storeToConsumeLatency.record(nowUs - storeUs);
  }

  /** Closes the current period. `measuring` folds its histograms into the run's totals. */
  snapshot(nowUsValue: number, measuring: boolean): PeriodSnapshot {
    const periodSeconds = Math.max(1e-6, (nowUsValue - this.periodStartUs) / 1e6);
    const latencies = {} as Record<LatencyMetric, LatencySummaryUs>;
    for (const metric of LATENCY_METRICS) latencies[metric] = this.recorders[metric].takeInterval(measuring);
    const snapshot: PeriodSnapshot = {
      elapsedSeconds: (nowUsValue - this.runStartUs) / 1e6,
      periodSeconds,
      publishRate: this.periodSent / periodSeconds,
      publishBytesRate: this.periodSentBytes / periodSeconds,
      publishErrorRate: this.periodErrors / periodSeconds,
      consumeRate: this.periodReceived / periodSeconds,
      consumeBytesRate: this.periodReceivedBytes / periodSeconds,
      backlog: this.backlog(),
      latencies,
    };
    this.periodSent = 0;
    this.periodSentBytes = 0;
    this.periodErrors = 0;
    this.periodReceived = 0;
    this.periodReceivedBytes = 0;
    this.periodStartUs = nowUsValue;
    return snapshot;
  }

  /** Messages published but not yet consumed, over every subscription (OMB's definition). */
  backlog(): number {
    return Math.max(0, this.totalSent * this.subscriptionsPerTopic - this.totalReceived);
  }

  totalHistogram(metric: LatencyMetric): Histogram {
    return this.recorders[metric].total;
  }

  /** Drops the cumulative histograms (end of warm-up); counters keep running. */
  resetTotals(): void {
    for (const metric of LATENCY_METRICS) this.recorders[metric].total.reset();
  }
}
