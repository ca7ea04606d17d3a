// Proves how bench-compare judges results: ratios are Petrel ÷ peer, throughput bars need the
// ratio at or above the bar (and the absolute floor where the issue sets one), latency bars need
// it at or below, a missing run gives no ratio, and the closing JSON line holds every ratio key.
import { describe, expect, it } from 'vitest';
import { ratioJson, ratioRows } from '../../../bench/load/compare/compare.js';
import { RATIO_SPECS } from '../../../bench/load/compare/plan.js';
import type { TestResult } from '../../../bench/load/result.js';

function fakeResult(publishRateAvg: number, e2eP99Us = 0, drainRate?: number): TestResult {
  const summary = { count: 1, avg: 0, p50: 0, p75: 0, p95: 0, p99: e2eP99Us, p999: e2eP99Us * 2, p9999: 0, max: 0 };
  return {
    summary: { publishRateAvg },
    histograms: { endToEndLatency: { summary } },
    backlogDrain: drainRate === undefined ? undefined : { drainRate },
  } as unknown as TestResult;
}

describe('ratioRows', () => {
  it('judges throughput and latency bars', () => {
    const rows = ratioRows([
      { workload: 'produce128b', driver: 'petrel-tcp', result: fakeResult(300_000), error: undefined },
      { workload: 'produce128b', driver: 'redis', result: fakeResult(100_000), error: undefined },
      { workload: 'produce1kb', driver: 'petrel-tcp', result: fakeResult(140_000), error: undefined },
      { workload: 'produce1kb', driver: 'redis', result: fakeResult(50_000), error: undefined },
      { workload: 'endToEnd5k', driver: 'petrel-tcp', result: fakeResult(5000, 900), error: undefined },
      { workload: 'endToEnd5k', driver: 'redis', result: fakeResult(5000, 1000), error: undefined },
      { workload: 'drain128b', driver: 'redis', result: fakeResult(0, 0, 100_000), error: undefined },
    ]);
    const byKey = new Map(rows.map((row) => [row.spec.key, row]));
    expect(byKey.get('produce128bVsRedis')).toMatchObject({ ratio: 3, verdict: 'met' });
    // 2.8 x Redis but under the 150k msg/s floor.
    expect(byKey.get('produce1kbVsRedis')).toMatchObject({ verdict: 'missed' });
    expect(byKey.get('produce1kbVsRedis')?.ratio).toBeCloseTo(2.8, 5);
    expect(byKey.get('e2eP99At5kVsRedis')).toMatchObject({ verdict: 'met' });
    expect(byKey.get('e2eP99At5kVsRedis')?.ratio).toBeCloseTo(0.9, 5);
    expect(byKey.get('drain128bVsRedis')).toMatchObject({ ratio: undefined, verdict: 'n/a' });
    expect(byKey.get('produce128bVsNATS')).toMatchObject({ ratio: undefined, verdict: 'n/a' });
    const json = JSON.parse(ratioJson(rows)) as Record<string, number | null>;
    expect(Object.keys(json).sort()).toEqual(RATIO_SPECS.map((s) => s.key).sort());
    expect(json.produce128bVsRedis).toBe(3);
    expect(json.drain128bVsRedis).toBeNull();
  });
});
