// Proves bin/mqbench end to end: a short OMB workload (a few seconds, 2000 msg/s) runs through the
// compiled CLI against a real redis-server (and, when the Petrel standalone runs a broker, against
// Petrel over TCP and WebSocket), and the outputs are checked: the result JSON has OMB's fields and
// histograms that decode to the counts it reports, the CSV has its header and one row per result,
// and the HTML report, opened in headless Chromium, draws its uPlot charts with no console error.
// A tiny backlog workload (OMB's flow: consumers first, warm-up, pause, build 20,000 messages,
// resume, drain) runs against Redis and Petrel over TCP, and its drain numbers must add up: the
// backlog sent equals what arrived after the resume plus what arrived while paused, the drain
// rate is those messages over their first-to-last time, which lies within resume-to-drained.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { startPetrel, startRedis } from '../../bench/load/compare/servers.js';
import type { ManagedServer } from '../../bench/load/compare/servers.js';
import { decodeHistogram, LATENCY_METRICS } from '../../bench/load/stats.js';
import { CSV_HEADER } from '../../bench/load/report/csv.js';
import type { TestResult } from '../../bench/load/result.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const mqbench = join(root, 'dist/src/cli/mqbench.js');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

async function runSmoke(outputDir: string, drivers: string[], sets: string[], workload = 'smoke-1-topic-128b.yaml'): Promise<string> {
  const args = [mqbench, 'run', join(root, 'bench/load/workloads', workload),
    '--drivers', ...drivers.map((d) => join(root, 'bench/load/drivers', d)),
    ...sets.flatMap((s) => ['--set', s]), '--stats-period', '1', '-o', outputDir, '--name', 'report', '--no-progress'];
  const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 140_000 });
  return stdout;
}

function checkResult(result: TestResult, driver: string): void {
  expect(result.workload).toBe('smoke-1-topic-128b');
  expect(result.driver).toBe(driver);
  expect(result.messageSize).toBe(128);
  for (const field of ['publishRate', 'consumeRate', 'backlog', 'publishLatency99pct', 'endToEndLatency95pct']) {
    expect((result[field] as number[]).length).toBeGreaterThanOrEqual(2);
  }
  expect(result.summary.messagesSent).toBeGreaterThan(0);
  expect(result.summary.sendErrors).toBe(0);
  expect(result.aggregatedEndToEndLatency99pct as number).toBeGreaterThan(0);
  for (const metric of LATENCY_METRICS) {
    const { summary, base64 } = result.histograms[metric];
    expect(summary.count).toBeGreaterThan(0);
    expect(decodeHistogram(base64).totalCount).toBe(summary.count);
  }
  const env = result.environment;
  expect(env.cores).toBeGreaterThan(0);
  expect(env.memoryBytes).toBeGreaterThan(0);
  expect(env.node).toBe(process.version);
  expect(env.gitCommit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
  expect(env.driver.flushMode.length).toBeGreaterThan(0);
}

/** Runs the backlog smoke workload for one driver and checks that its drain numbers add up. */
async function checkBacklogRun(driver: string, sets: string[]): Promise<void> {
  const outputDir = mkdtempSync(join(tmpdir(), 'mqbench-backlog-out-'));
  try {
    const stdout = await runSmoke(outputDir, [driver], sets, 'smoke-backlog-128b.yaml');
    expect(stdout).toMatch(/^warm-up: \d+ sent, \d+ received$/m);
    expect(stdout).toMatch(/^backlog built: 20000 sent, 0 failed$/m);
    const jsonFile = readdirSync(outputDir).find((f) => f.endsWith('.json'));
    expect(jsonFile).toBeDefined();
    const result = JSON.parse(readFileSync(join(outputDir, jsonFile!), 'utf8')) as TestResult;
    const drain = result.backlogDrain;
    expect(drain).not.toBeNull();
    expect(drain!.backlogMessages).toBe(20_000);
    expect(drain!.receivedWhilePaused).toBeGreaterThanOrEqual(0);
    expect(drain!.receivedWhilePaused).toBeLessThan(20_000);
    expect(drain!.messages + drain!.receivedWhilePaused).toBe(20_000);
    expect(drain!.drainRate).toBeCloseTo(drain!.messages / drain!.drainSeconds, 3);
    expect(drain!.drainSeconds).toBeLessThanOrEqual(drain!.drainSecondsFromStart);
    expect(result.summary.messagesReceived).toBe(drain!.messages);
    expect(result.summary.sendErrors).toBe(0);
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** RFC 4180 fields of one line (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

function checkCsv(path: string, drivers: string[]): void {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  expect(lines[0]).toBe(CSV_HEADER.join(','));
  expect(lines).toHaveLength(drivers.length + 1);
  const driverColumn = CSV_HEADER.indexOf('driver');
  lines.slice(1).forEach((line, i) => {
    const fields = csvFields(line);
    expect(fields).toHaveLength(CSV_HEADER.length);
    expect(fields[driverColumn]).toBe(drivers[i]);
    expect(Number(fields[CSV_HEADER.indexOf('pub-msg-s')])).toBeGreaterThan(0);
  });
}

async function checkHtmlInChromium(path: string, runs: number): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'mqbench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`file://${path}`);
    await page.waitForSelector('body[data-rendered]', { timeout: 20_000 });
    const charts = await page.locator('.chart').count();
    const empty = await page.locator('.chart .note').count();
    expect(charts).toBe(12);
    expect(await page.locator('.chart canvas').count()).toBe(charts - empty);
    expect(charts - empty).toBeGreaterThanOrEqual(10);
    expect(await page.locator('#summary-body tr').count()).toBe(runs);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('mqbench run against Redis Streams', () => {
  let redis: ManagedServer;
  const outputDir = mkdtempSync(join(tmpdir(), 'mqbench-out-'));

  beforeAll(async () => {
    redis = await startRedis('everysec');
  }, 90_000);
  afterAll(async () => {
    await redis?.stop();
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('writes a valid result JSON, CSV and HTML report', async () => {
    const stdout = await runSmoke(outputDir, ['redis.yaml'], [`redisPort=${redis.port}`]);
    expect(stdout).toMatch(/Pub rate [\d.]+ msg\/s .* Pub Delay Latency \(us\) avg/);
    expect(stdout).toMatch(/----- Aggregated Pub Latency \(ms\) avg/);
    const jsonFiles = readdirSync(outputDir).filter((f) => f.endsWith('.json'));
    expect(jsonFiles).toHaveLength(1);
    expect(jsonFiles[0]).toMatch(/^smoke-1-topic-128b-redis-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.json$/);
    const result = JSON.parse(readFileSync(join(outputDir, jsonFiles[0]!), 'utf8')) as TestResult;
    checkResult(result, 'redis');
    expect(result.environment.driver.flushMode).toBe('appendfsync everysec');
    checkCsv(join(outputDir, 'report.csv'), ['redis']);
    await checkHtmlInChromium(join(outputDir, 'report.html'), 1);
  }, 150_000);

  it('runs the backlog flow (pause, build, resume, drain) with consistent drain numbers', async () => {
    await checkBacklogRun('redis.yaml', [`redisPort=${redis.port}`]);
  }, 150_000);

  it('runs the RocketMQ producer and consumer modes with their report lines', async () => {
    const common = ['--driver', join(root, 'bench/load/drivers/redis.yaml'), '--set', `redisPort=${redis.port}`,
      '-t', 'BenchmarkTest', '--report-interval', '1000'];
    const consumer = run(process.execPath, [mqbench, 'consumer', ...common, '--duration', '6'], { cwd: root, timeout: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const producer = await run(process.execPath, [mqbench, 'producer', ...common, '-q', '3000', '-s', '64', '-w', '8'],
      { cwd: root, timeout: 60_000 });
    expect(producer.stdout).toMatch(/^topic: BenchmarkTest threadCount: 8 messageSize: 64 /m);
    expect(producer.stdout).toMatch(/^Current Time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} Send TPS: \d+ Max RT\(ms\): \d+ Average RT\(ms\): +[\d.]+ Send Failed: 0 Response Failed: 0$/m);
    expect(producer.stdout).toMatch(/^\[Complete\] Send Total: 3000 Send TPS: \d+ .*Send Failed: 0 Response Failed: 0$/m);
    expect(producer.stdout).toMatch(/^Send RT \(us\) p50: \d+ p75: \d+ p95: \d+ p99: \d+ p99\.9: \d+ p99\.99: \d+ max: \d+$/m);
    const { stdout } = await consumer;
    const lines = stdout.split('\n').filter((line) => line.startsWith('Current Time: '));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^Current Time: \d+ TPS: \d+ FAIL: 0 AVG\(B2C\) RT\(ms\): +[\d.]+ AVG\(S2C\) RT\(ms\): +[\d.]+ MAX\(B2C\) RT\(ms\): \d+ MAX\(S2C\) RT\(ms\): \d+$/);
    }
    expect(lines.some((line) => !line.includes(' TPS: 0 '))).toBe(true);
    expect(stdout).toMatch(/^B2C \(us\) p50: \d+/m);
  }, 150_000);
});

describe('mqbench run against Petrel (standalone broker, SDK over TCP and WebSocket)', () => {
  let petrel: ManagedServer;
  const outputDir = mkdtempSync(join(tmpdir(), 'mqbench-petrel-out-'));

  beforeAll(async () => {
    petrel = await startPetrel({ repoDir: root, flushDiskType: 'ASYNC_FLUSH' });
  }, 90_000);
  afterAll(async () => {
    await petrel?.stop();
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('writes valid outputs for both transports, overlaid in one report', async () => {
    await runSmoke(outputDir, ['petrel-tcp.yaml', 'petrel-ws.yaml'],
      [`namesrvAddr=${petrel.address}`, `logDir=${join(outputDir, 'client-logs')}`]);
    const jsonFiles = readdirSync(outputDir).filter((f) => f.endsWith('.json')).sort();
    expect(jsonFiles).toHaveLength(2);
    const results = jsonFiles.map((file) => JSON.parse(readFileSync(join(outputDir, file), 'utf8')) as TestResult);
    checkResult(results[0]!, 'petrel-tcp');
    checkResult(results[1]!, 'petrel-ws');
    for (const result of results) {
      expect(result.environment.driver.flushMode).toBe('ASYNC_FLUSH');
      // Petrel's store timestamp is a real clock reading, so store-to-consume is measured too.
      expect(result.histograms.storeToConsumeLatency.summary.count).toBeGreaterThan(0);
    }
    expect(results[1]!.environment.driver.client).toContain('over ws');
    checkCsv(join(outputDir, 'report.csv'), ['petrel-tcp', 'petrel-ws']);
    await checkHtmlInChromium(join(outputDir, 'report.html'), 2);
  }, 150_000);

  it('runs the backlog flow over TCP with consistent drain numbers', async () => {
    await checkBacklogRun('petrel-tcp.yaml', [`namesrvAddr=${petrel.address}`, `logDir=${join(outputDir, 'backlog-client-logs')}`]);
  }, 150_000);
});
