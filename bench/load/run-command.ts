/**
 * `mqbench run`: every workload file × every driver file, in order, then the outputs.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { DriverConfig, Workload } from './types.js';
import { loadDriverConfig, loadWorkload } from './workload.js';
import { createDriver, withFields } from './drivers/index.js';
import { runWorkload } from './generator.js';
import { collectEnvironment } from './environment.js';
import { createProgress } from './progress.js';
import type { TestResult } from './result.js';
import { writeOutputs } from './outputs.js';
import type { WrittenOutputs } from './outputs.js';

/** The checkout this harness runs from (the nearest folder above with package.json). */
export function repoRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return process.cwd();
    directory = parent;
  }
  return directory;
}

/** `key=value` pairs from the CLI; values are parsed as YAML scalars (numbers, booleans). */
export function parseFieldOverrides(pairs: string[]): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--set expects key=value, got '${pair}'`);
    overrides[pair.slice(0, at)] = parse(pair.slice(at + 1)) as unknown;
  }
  return overrides;
}

export interface RunCommandOptions {
  workloads: Workload[];
  drivers: DriverConfig[];
  outputDir: string;
  baseName: string;
  samplePeriodSeconds: number;
  bars: boolean;
  write?: (line: string) => void;
}

export async function runCommand(options: RunCommandOptions): Promise<{ results: TestResult[]; outputs: WrittenOutputs }> {
  const results: TestResult[] = [];
  const progress = createProgress({ bars: options.bars, ...(options.write === undefined ? {} : { write: options.write }) });
  try {
    for (const workload of options.workloads) {
      for (const config of options.drivers) {
        progress.log(`=== workload ${workload.name} on driver ${config.name}`);
        const driver = await createDriver(config);
        results.push(await runWorkload({
          workload,
          driver,
          driverConfigFields: config.fields,
          environment: collectEnvironment(repoRoot(), new Date()),
          progress,
          samplePeriodSeconds: options.samplePeriodSeconds,
        }));
      }
    }
  } finally {
    progress.stop();
  }
  const outputs = writeOutputs(options.outputDir, results, options.baseName);
  return { results, outputs };
}

export function loadWorkloads(paths: string[]): Workload[] {
  return paths.map((path) => loadWorkload(resolve(path)));
}

export function loadDrivers(paths: string[], overrides: Record<string, unknown>): DriverConfig[] {
  return paths.map((path) => withFields(loadDriverConfig(resolve(path)), overrides));
}
