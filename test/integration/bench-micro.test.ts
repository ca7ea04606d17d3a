// Proves the micro-benchmarks still run (STYLE §11: benchmarks that cannot rot): each compiled
// bench/micro/*.bench.js runs at its small default size, exits 0 and prints its result hash.
// Numbers are not checked here; they are recorded in docs/benchmarks.md.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/process.js';

const run = promisify(execFile);
const benchDir = join(REPO_ROOT, 'dist', 'bench', 'micro');
const benches = readdirSync(benchDir).filter((name) => name.endsWith('.bench.js')).sort();

describe('micro-benchmarks', () => {
  it('finds the benches', () => {
    expect(benches).toEqual(expect.arrayContaining(['client.bench.js', 'codec.bench.js', 'ring.bench.js']));
  });
  it.each(benches)('%s runs to completion and prints a hash', async (name) => {
    const { stdout } = await run(process.execPath, [join(benchDir, name)], {
      cwd: REPO_ROOT, timeout: 120_000, env: { ...process.env, BENCH_LARGE: '' }, maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/hash/i);
  }, 150_000);
});
