/**
 * `make bench-compare` / `mqbench compare`: starts each system on loopback (Redis with AOF
 * everysec, Redis with appendfsync always, NATS JetStream on files, Petrel standalone with
 * ASYNC_FLUSH and then SYNC_FLUSH), runs the compare workloads against each with the same
 * harness, stops everything it started, writes the results and one HTML report under
 * bench/results/compare-<time>/, and prints the ratio table (Petrel ÷ each peer) ending with
 * one JSON line of the ratios.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { DriverConfig, Workload } from '../types.js';
import { loadDriverConfig, loadWorkload } from '../workload.js';
import { createDriver, withFields } from '../drivers/index.js';
import { runWorkload } from '../generator.js';
import { collectEnvironment } from '../environment.js';
import { createProgress } from '../progress.js';
import type { TestResult } from '../result.js';
import { writeOutputs } from '../outputs.js';
import { repoRoot } from '../run-command.js';
import type { ManagedServer } from './servers.js';
import { startNats, startPetrel, startRedis } from './servers.js';
import { COMPARE_PLAN, COMPARE_WORKLOADS, RATIO_SPECS, scaleWorkload } from './plan.js';
import type { PlannedServer, RatioSpec, ServerKind } from './plan.js';

export interface CompareOptions {
  outputDir: string;
  scale: number;
  /** Comma-separated server kinds to run (default: all). */
  only: string | undefined;
  /** Comma-separated workload roles to run (COMPARE_WORKLOADS keys, e.g. drain128b; default: all). */
  workloads?: string | undefined;
  samplePeriodSeconds?: number;
}

const REQUIRED_BINARIES: Record<ServerKind, string | undefined> = {
  'redis-everysec': 'redis-server', 'redis-always': 'redis-server', nats: 'nats-server',
  'petrel-async': undefined, 'petrel-sync': undefined,
};

function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function startServer(kind: ServerKind, repoDir: string): Promise<ManagedServer> {
  switch (kind) {
    case 'redis-everysec': return startRedis('everysec');
    case 'redis-always': return startRedis('always');
    case 'nats': return startNats();
    case 'petrel-async': return startPetrel({ repoDir, flushDiskType: 'ASYNC_FLUSH' });
    case 'petrel-sync': return startPetrel({ repoDir, flushDiskType: 'SYNC_FLUSH' });
    default: {
      const never: never = kind;
      throw new Error(`unknown server ${String(never)}`);
    }
  }
}

/** Points a driver file at the server that was just started. */
function driverFor(kind: ServerKind, name: string, file: string, server: ManagedServer, repoDir: string): DriverConfig {
  const config = { ...loadDriverConfig(join(repoDir, 'bench/load/drivers', file)), name };
  if (kind.startsWith('redis')) return withFields(config, { redisHost: '127.0.0.1', redisPort: server.port });
  if (kind === 'nats') return withFields(config, { natsHostUrl: `nats://${server.address}` });
  return withFields(config, { namesrvAddr: server.address, logDir: join(server.directory, 'client-logs') });
}

export interface RunRecord {
  workload: string;
  driver: string;
  result: TestResult | undefined;
  error: string | undefined;
}

async function runServer(planned: PlannedServer, workloads: Map<string, Workload>, options: CompareOptions,
  records: RunRecord[], log: (line: string) => void): Promise<void> {
  const repoDir = repoRoot();
  log(`### starting ${planned.kind}`);
  let server: ManagedServer;
  try {
    server = await startServerRetrying(planned.kind, repoDir, log);
  } catch (error) {
    log(`### ${planned.kind} did not start: ${(error as Error).message}`);
    for (const driver of planned.drivers) {
      for (const key of driver.workloads) records.push({ workload: key, driver: driver.name, result: undefined, error: `${planned.kind} did not start` });
    }
    return;
  }
  const progress = createProgress({ bars: true, write: log });
  try {
    for (const planDriver of planned.drivers) {
      for (const key of planDriver.workloads) {
        const workload = workloads.get(key);
        if (workload === undefined) throw new Error(`workload ${key} not loaded`);
        progress.log(`=== ${workload.name} on ${planDriver.name} (${server.address})`);
        const config = driverFor(planned.kind, planDriver.name, planDriver.file, server, repoDir);
        try {
          const driver = await createDriver(config);
          const result = await runWorkload({
            workload, driver, driverConfigFields: config.fields, environment: collectEnvironment(repoDir, new Date()),
            progress, samplePeriodSeconds: options.samplePeriodSeconds ?? 2,
          });
          records.push({ workload: key, driver: planDriver.name, result, error: undefined });
        } catch (error) {
          progress.log(`!!! ${workload.name} on ${planDriver.name} failed: ${(error as Error).message}`);
          records.push({ workload: key, driver: planDriver.name, result: undefined, error: (error as Error).message });
        }
      }
    }
  } finally {
    progress.stop();
    log(`### stopping ${planned.kind}`);
    await server.stop();
  }
}

/** One more try on fresh ports and a fresh folder: a whole comparison should not lose a system to one bad start. */
async function startServerRetrying(kind: ServerKind, repoDir: string, log: (line: string) => void): Promise<ManagedServer> {
  try {
    return await startServer(kind, repoDir);
  } catch (error) {
    log(`### ${kind} did not start (${(error as Error).message}); trying once more`);
    return startServer(kind, repoDir);
  }
}

function metricOf(record: RunRecord | undefined, metric: RatioSpec['metric']): number | undefined {
  const result = record?.result;
  if (result === undefined) return undefined;
  switch (metric) {
    case 'publishRate': return result.summary.publishRateAvg;
    case 'drainRate': return result.backlogDrain?.drainRate;
    case 'e2eP99': return result.histograms.endToEndLatency.summary.p99;
    case 'e2eP999': return result.histograms.endToEndLatency.summary.p999;
    default: {
      const never: never = metric;
      return never;
    }
  }
}

export interface RatioRow {
  spec: RatioSpec;
  petrel: number | undefined;
  peer: number | undefined;
  ratio: number | undefined;
  verdict: 'met' | 'missed' | 'n/a';
}

export function ratioRows(records: RunRecord[]): RatioRow[] {
  const find = (workload: string, driver: string): RunRecord | undefined =>
    records.find((r) => r.workload === workload && r.driver === driver);
  return RATIO_SPECS.map((spec) => {
    const petrel = metricOf(find(spec.workload, spec.petrel), spec.metric);
    const peer = metricOf(find(spec.workload, spec.peer), spec.metric);
    const ratio = petrel !== undefined && peer !== undefined && peer > 0 ? petrel / peer : undefined;
    let verdict: RatioRow['verdict'] = 'n/a';
    if (spec.bar !== undefined && ratio !== undefined && petrel !== undefined) {
      const ratioMet = spec.bar.kind === 'min' ? ratio >= spec.bar.value : ratio <= spec.bar.value;
      const floorMet = spec.absoluteMin === undefined || petrel >= spec.absoluteMin;
      verdict = ratioMet && floorMet ? 'met' : 'missed';
    }
    return { spec, petrel, peer, ratio, verdict };
  });
}

function formatValue(value: number | undefined, metric: RatioSpec['metric']): string {
  if (value === undefined) return '-';
  return metric.startsWith('e2e') ? `${(value / 1000).toFixed(3)} ms` : `${Math.round(value).toLocaleString('en-US')}/s`;
}

export function ratioTable(rows: RatioRow[]): string {
  const table = new Table({
    head: ['metric', 'Petrel', 'peer', 'peer value', 'Petrel ÷ peer', 'bar', 'verdict'],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    const { spec } = row;
    const bar = spec.bar === undefined ? '' : `${spec.bar.kind === 'min' ? '>=' : '<='} ${spec.bar.value}`
      + (spec.absoluteMin === undefined ? '' : `, >= ${spec.absoluteMin.toLocaleString('en-US')}/s`);
    table.push([spec.label, formatValue(row.petrel, spec.metric), spec.peer, formatValue(row.peer, spec.metric),
      row.ratio === undefined ? '-' : row.ratio.toFixed(2), bar, row.verdict]);
  }
  return table.toString();
}

export function ratioJson(rows: RatioRow[]): string {
  const ratios: Record<string, number | null> = {};
  for (const row of rows) ratios[row.spec.key] = row.ratio === undefined ? null : Number(row.ratio.toFixed(3));
  return JSON.stringify(ratios);
}

export async function runCompare(options: CompareOptions): Promise<number> {
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const repoDir = repoRoot();
  const only = options.only === undefined ? undefined : new Set(options.only.split(',').map((s) => s.trim()));
  const roles = options.workloads === undefined ? undefined : new Set(options.workloads.split(',').map((s) => s.trim()));
  const plan = COMPARE_PLAN.filter((server) => only === undefined || only.has(server.kind))
    .map((server) => ({
      ...server,
      drivers: server.drivers.map((driver) => ({ ...driver, workloads: driver.workloads.filter((key) => roles === undefined || roles.has(key)) }))
        .filter((driver) => driver.workloads.length > 0),
    }))
    .filter((server) => server.drivers.length > 0);
  for (const server of plan) {
    const binary = REQUIRED_BINARIES[server.kind];
    if (binary !== undefined && !hasBinary(binary)) {
      log(`${binary} is not installed (make bench-compare installs it with apt-get)`);
      return 1;
    }
  }
  const workloads = new Map<string, Workload>();
  for (const [key, file] of Object.entries(COMPARE_WORKLOADS)) {
    workloads.set(key, scaleWorkload(loadWorkload(join(repoDir, 'bench/load/workloads', file)), options.scale));
  }
  const records: RunRecord[] = [];
  for (const server of plan) await runServer(server, workloads, options, records, log);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const directory = join(options.outputDir, `compare-${stamp}`);
  const results = records.flatMap((r) => (r.result === undefined ? [] : [r.result]));
  const outputs = writeOutputs(directory, results, 'compare');
  const rows = ratioRows(records);
  for (const record of records) if (record.error !== undefined) log(`FAILED: ${record.workload} on ${record.driver}: ${record.error}`);
  log(`results: ${directory}\ncsv: ${outputs.csvPath}\nhtml: ${outputs.htmlPath}`);
  log(ratioTable(rows));
  log(ratioJson(rows));
  return records.some((r) => r.error !== undefined) ? 1 : 0;
}
