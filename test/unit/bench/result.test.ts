// Proves the result document and the CSV: every OMB TestResult field is present with OMB's units
// (ms for publish and end-to-end, µs for publish delay), the base64 histograms decode back to the
// recorded counts, and each CSV row has exactly the header's columns.
import { describe, expect, it } from 'vitest';
import { BenchStats, LATENCY_METRICS, decodeHistogram } from '../../../bench/load/stats.js';
import { OMB_SUFFIXES, buildResult, resultFileName } from '../../../bench/load/result.js';
import { CSV_HEADER, toCsv } from '../../../bench/load/report/csv.js';
import { workloadFromObject } from '../../../bench/load/workload.js';
import { collectEnvironment } from '../../../bench/load/environment.js';

function syntheticResult() {
  const workload = workloadFromObject({ name: 'synthetic', messageSize: 100, testDurationMinutes: 1 });
  const stats = new BenchStats(0, 1);
  const snapshots = [];
  for (let period = 1; period <= 3; period++) {
    for (let i = 0; i < 1000; i++) {
      stats.recordSent(100, period * 1e6 + i, period * 1e6 + i + 50, period * 1e6 + i + 2000);
      stats.recordReceived(100, period * 1e6 + i, period * 1e6 + i + 1000, period * 1e6 + i + 3000);
    }
    snapshots.push(stats.snapshot(period * 1e6, true));
  }
  const totals = Object.fromEntries(LATENCY_METRICS.map((m) => [m, stats.totalHistogram(m)])) as Parameters<typeof buildResult>[0]['totals'];
  return buildResult({
    workload, driverName: 'fake', samplePeriodSeconds: 1, snapshots, totals,
    summary: {
      durationSeconds: 3, messagesSent: 3000, bytesSent: 300_000, sendErrors: 0, errorsByKind: {},
      messagesReceived: 3000, publishRateAvg: 1000, publishThroughputMBps: 0.1, consumeRateAvg: 1000, consumeThroughputMBps: 0.1,
    },
    backlogDrain: undefined, rateProbe: undefined,
    environment: {
      ...collectEnvironment(process.cwd(), new Date(0)),
      driver: { system: 'fake 1', flushMode: 'none', client: 'fake', brokerConfig: {} }, driverConfig: {},
    },
  });
}

describe('buildResult', () => {
  it('has OMB fields, series per sample and OMB units', () => {
    const result = syntheticResult();
    for (const field of ['workload', 'driver', 'messageSize', 'topics', 'partitions', 'producersPerTopic',
      'consumersPerTopic', 'publishRate', 'publishErrorRate', 'consumeRate', 'backlog']) {
      expect(result).toHaveProperty(field);
    }
    for (const metric of ['publishLatency', 'publishDelayLatency', 'endToEndLatency']) {
      const capitalized = metric[0]!.toUpperCase() + metric.slice(1);
      for (const suffix of OMB_SUFFIXES) {
        expect(result[`${metric}${suffix}`]).toHaveLength(3);
        expect(typeof result[`aggregated${capitalized}${suffix}`]).toBe('number');
      }
      expect(Object.keys(result[`aggregated${capitalized}Quantiles`] as object).length).toBeGreaterThan(99);
    }
    // Publish latency was 2000 µs: 2 ms in OMB's unit; the delay stays in µs (50).
    expect(result.aggregatedPublishLatency50pct).toBeCloseTo(2, 2);
    expect(result.aggregatedPublishDelayLatency50pct).toBeCloseTo(50, 0);
    expect(result.aggregatedEndToEndLatencyMax).toBeCloseTo(3, 2);
    expect(result.publishRate).toEqual([1000, 1000, 1000]);
    expect(resultFileName(result, new Date(2026, 0, 2, 3, 4, 5))).toBe('synthetic-fake-2026-01-02-03-04-05.json');
  });

  it('embeds histograms that decode to what was recorded', () => {
    const result = syntheticResult();
    for (const metric of LATENCY_METRICS) {
      const decoded = decodeHistogram(result.histograms[metric].base64);
      expect(decoded.totalCount).toBe(3000);
      expect(decoded.totalCount).toBe(result.histograms[metric].summary.count);
    }
  });

  it('writes a CSV whose rows match the header', () => {
    const csv = toCsv([syntheticResult(), syntheticResult()]).trimEnd().split('\n');
    expect(csv[0]).toBe(CSV_HEADER.join(','));
    expect(csv).toHaveLength(3);
    for (const row of csv.slice(1)) expect(row.split(',')).toHaveLength(CSV_HEADER.length);
  });
});
