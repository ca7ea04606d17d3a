/**
 * The result file: OMB's TestResult fields with OMB's units (publish and end-to-end latencies in
 * ms, publish delay in µs; histograms are recorded in µs and converted on output), plus our
 * additions: µs summaries, base64 HDR histograms, store-to-consume latency, backlog drain, the
 * maximum-rate probe and an environment block.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { DriverEnvironment, Workload } from './types.js';
import type { LatencyMetric, LatencySummaryUs, PeriodSnapshot } from './stats.js';
import { LATENCY_METRICS, encodeHistogram, summarize } from './stats.js';
import type { Environment } from './environment.js';

/** OMB's suffixes, in its order. */
export const OMB_SUFFIXES = ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'] as const;
type OmbSuffix = (typeof OMB_SUFFIXES)[number];
const SUMMARY_KEY: Record<OmbSuffix, keyof LatencySummaryUs> = {
  Avg: 'avg', '50pct': 'p50', '75pct': 'p75', '95pct': 'p95', '99pct': 'p99', '999pct': 'p999',
  '9999pct': 'p9999', Max: 'max',
};
/** OMB reports publish delay in µs and the other latencies in ms. */
const METRIC_DIVISOR: Record<LatencyMetric, number> = {
  publishLatency: 1000, publishDelayLatency: 1, endToEndLatency: 1000, storeToConsumeLatency: 1000,
};

export interface BacklogDrain {
  messages: number;
  /** From the first to the last message of the backlog received. */
  drainSeconds: number;
  drainRate: number;
  /** From the consumers' resume to the last message of the backlog received. */
  drainSecondsFromStart: number;
  /** Messages sent to build the backlog (while the consumers were paused). */
  backlogMessages: number;
  /** Messages received while paused (reads already under way at the pause); not in `messages`. */
  receivedWhilePaused: number;
}

export interface TestResult {
  workload: string;
  driver: string;
  messageSize: number;
  topics: number;
  partitions: number;
  producersPerTopic: number;
  consumersPerTopic: number;
  // OMB's per-period series and aggregates are added as dynamic keys (see ombFields).
  [ombField: string]: unknown;
  /** Seconds per series sample (OMB: 10). */
  samplePeriodSeconds: number;
  /** Measured phase totals. */
  summary: RunSummary;
  /** Per metric: µs summary and the base64 (compressed) HDR histogram of the measured phase. */
  histograms: Record<LatencyMetric, { unit: 'us'; summary: LatencySummaryUs; base64: string }>;
  /** null when the workload has no backlog phase (null, not absent, so every file has the key). */
  backlogDrain: BacklogDrain | null;
  /** The maximum-rate probe's rate per control period (producerRate 0 only, else null). */
  rateProbe: number[] | null;
  environment: Environment & { driver: DriverEnvironment; driverConfig: Record<string, unknown> };
  workloadSpec: Workload;
}

export interface RunSummary {
  durationSeconds: number;
  messagesSent: number;
  bytesSent: number;
  sendErrors: number;
  errorsByKind: Record<string, number>;
  messagesReceived: number;
  publishRateAvg: number;
  publishThroughputMBps: number;
  consumeRateAvg: number;
  consumeThroughputMBps: number;
}

export interface ResultInputs {
  workload: Workload;
  driverName: string;
  samplePeriodSeconds: number;
  snapshots: PeriodSnapshot[];
  totals: Record<LatencyMetric, Histogram>;
  summary: RunSummary;
  backlogDrain: BacklogDrain | undefined;
  rateProbe: number[] | undefined;
  environment: TestResult['environment'];
}

function ombFields(snapshots: PeriodSnapshot[], totals: Record<LatencyMetric, Histogram>): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    publishRate: snapshots.map((s) => s.publishRate),
    publishErrorRate: snapshots.map((s) => s.publishErrorRate),
    consumeRate: snapshots.map((s) => s.consumeRate),
    backlog: snapshots.map((s) => s.backlog),
  };
  for (const metric of LATENCY_METRICS) {
    const divisor = METRIC_DIVISOR[metric];
    const aggregated = summarize(totals[metric]);
    const capitalized = metric[0]!.toUpperCase() + metric.slice(1);
    for (const suffix of OMB_SUFFIXES) {
      const key = SUMMARY_KEY[suffix];
      fields[`${metric}${suffix}`] = snapshots.map((s) => s.latencies[metric][key] / divisor);
      fields[`aggregated${capitalized}${suffix}`] = aggregated[key] / divisor;
    }
    fields[`aggregated${capitalized}Quantiles`] = quantiles(totals[metric], divisor);
  }
  return fields;
}

/** `{percentile: value}` as OMB's `percentiles(100)` iteration gives, plus the nines. */
function quantiles(histogram: Histogram, divisor: number): Record<string, number> {
  const result: Record<string, number> = {};
  if (histogram.totalCount === 0) return result;
  const points = [];
  for (let percentile = 1; percentile < 100; percentile++) points.push(percentile);
  points.push(99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 100);
  for (const percentile of points) result[String(percentile)] = histogram.getValueAtPercentile(percentile) / divisor;
  return result;
}

export function buildResult(inputs: ResultInputs): TestResult {
  const { workload } = inputs;
  const histograms = {} as TestResult['histograms'];
  for (const metric of LATENCY_METRICS) {
    histograms[metric] = { unit: 'us', summary: summarize(inputs.totals[metric]), base64: encodeHistogram(inputs.totals[metric]) };
  }
  return {
    workload: workload.name,
    driver: inputs.driverName,
    messageSize: workload.messageSize,
    topics: workload.topics,
    partitions: workload.partitionsPerTopic,
    producersPerTopic: workload.producersPerTopic,
    consumersPerTopic: workload.subscriptionsPerTopic * workload.consumerPerSubscription,
    ...ombFields(inputs.snapshots, inputs.totals),
    samplePeriodSeconds: inputs.samplePeriodSeconds,
    summary: inputs.summary,
    histograms,
    backlogDrain: inputs.backlogDrain ?? null,
    rateProbe: inputs.rateProbe ?? null,
    environment: inputs.environment,
    workloadSpec: workload,
  };
}

/** OMB's file name: `<workload>-<driver>-<yyyy-MM-dd-HH-mm-ss>.json`. */
export function resultFileName(result: TestResult, date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
    + `-${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(result.workload)}-${safe(result.driver)}-${stamp}.json`;
}
