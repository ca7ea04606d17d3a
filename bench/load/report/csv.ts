/**
 * CSV summary: one row per result. The first columns are OMB's ResultsToCsv columns; the rest
 * are ours (µs percentiles, MB/s, drain rate, and the run's context: commit, machine, flush).
 */
import type { TestResult } from '../result.js';

const OMB_COLUMNS = [
  'topics', 'partitions', 'message-size', 'producers-per-topic', 'consumers-per-topic',
  'prod-rate-min', 'prod-rate-avg', 'prod-rate-std-dev', 'prod-rate-max',
  'con-rate-min', 'con-rate-avg', 'con-rate-std-dev', 'con-rate-max',
] as const;
const LATENCY_COLUMNS = ['p50', 'p75', 'p95', 'p99', 'p999', 'p9999', 'max'] as const;
const EXTRA_COLUMNS = [
  'workload', 'driver', 'system', 'flush-mode', 'client',
  'pub-msg-s', 'pub-mb-s', 'con-msg-s', 'con-mb-s', 'send-errors', 'backlog-drain-msg-s',
  ...LATENCY_COLUMNS.map((c) => `pub-latency-us-${c}`),
  ...LATENCY_COLUMNS.map((c) => `pub-delay-us-${c}`),
  ...LATENCY_COLUMNS.map((c) => `e2e-latency-us-${c}`),
  ...LATENCY_COLUMNS.map((c) => `s2c-latency-us-${c}`),
  'commit', 'cpu', 'cores', 'kernel', 'node', 'started-at',
] as const;

export const CSV_HEADER: readonly string[] = [...OMB_COLUMNS, ...EXTRA_COLUMNS];

interface SeriesStats {
  min: number;
  avg: number;
  stdDev: number;
  max: number;
}

function seriesStats(values: number[]): SeriesStats {
  if (values.length === 0) return { min: 0, avg: 0, stdDev: 0, max: 0 };
  const avg = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - avg) ** 2, 0) / values.length;
  return { min: Math.min(...values), avg, stdDev: Math.sqrt(variance), max: Math.max(...values) };
}

function numberSeries(result: TestResult, field: string): number[] {
  const value = result[field];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

function cell(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : value;
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(result: TestResult): string[] {
  const pub = seriesStats(numberSeries(result, 'publishRate'));
  const con = seriesStats(numberSeries(result, 'consumeRate'));
  const latency = (metric: keyof TestResult['histograms']): number[] =>
    LATENCY_COLUMNS.map((c) => result.histograms[metric].summary[c]);
  const env = result.environment;
  const values: Array<string | number> = [
    result.topics, result.partitions, result.messageSize, result.producersPerTopic, result.consumersPerTopic,
    pub.min, pub.avg, pub.stdDev, pub.max, con.min, con.avg, con.stdDev, con.max,
    result.workload, result.driver, env.driver.system, env.driver.flushMode, env.driver.client,
    result.summary.publishRateAvg, result.summary.publishThroughputMBps,
    result.summary.consumeRateAvg, result.summary.consumeThroughputMBps, result.summary.sendErrors,
    result.backlogDrain?.drainRate ?? 0,
    ...latency('publishLatency'), ...latency('publishDelayLatency'),
    ...latency('endToEndLatency'), ...latency('storeToConsumeLatency'),
    env.gitCommit, env.cpuModel, env.cores, env.kernel, env.node, env.startedAt,
  ];
  return values.map(cell);
}

export function toCsv(results: TestResult[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const result of results) lines.push(csvRow(result).join(','));
  return `${lines.join('\n')}\n`;
}
