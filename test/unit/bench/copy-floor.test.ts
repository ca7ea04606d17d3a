// Proves `make bench-store-floor` (bench/store/copy-floor.bench.ts) cannot rot: the compiled
// script runs at a tiny size (8 MiB, one round) as a real process, writes and removes its files,
// and ends with the JSON line whose ratios are computed from its own measured rates.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../../../dist/bench/store/copy-floor.bench.js');

interface FloorJson {
  totalMiB: number;
  rounds: { rawMBps: number; copyThenWriteMBps: number; pipelinedMBps: number; pipelinedVsRaw: number }[];
  pipelinedVsRawMin: number;
  pipelinedVsRawMax: number;
}

describe('bench-store-floor', () => {
  it('measures raw, copy-then-write and pipelined loops and reports their ratios', () => {
    const dir = mkdtempSync(join(tmpdir(), 'petrel-floor-test-'));
    try {
      const out = execFileSync(process.execPath, [SCRIPT], {
        env: { ...process.env, FLOOR_TOTAL_MIB: '8', FLOOR_ROUNDS: '1', BENCH_DIR: dir }, encoding: 'utf8',
      });
      const lines = out.trim().split('\n');
      expect(lines[0]).toMatch(/^round 1: raw \d+ MB\/s/);
      const json = JSON.parse(lines[lines.length - 1] as string) as FloorJson;
      expect(json.totalMiB).toBe(8);
      expect(json.rounds).toHaveLength(1);
      const round = json.rounds[0]!;
      for (const rate of [round.rawMBps, round.copyThenWriteMBps, round.pipelinedMBps]) expect(rate).toBeGreaterThan(0);
      expect(round.pipelinedVsRaw).toBeCloseTo(round.pipelinedMBps / round.rawMBps, 1);
      expect(json.pipelinedVsRawMin).toBe(round.pipelinedVsRaw);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
