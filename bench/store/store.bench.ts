// `make bench-store`: the store's append throughput through the real rings and store worker,
// next to the raw floor of the same disk, in one process run. Ends with one JSON line.
// Producers: BENCH_PRODUCERS threads (default 2, a broker's I/O threads on this 2-vCPU machine;
// 0 = the main thread), each with its own ProducerPort and closed loop (append-loop.ts).
// BENCH_LARGE=1 runs longer; BENCH_ONLY=async128|async1k|sync1k runs only that case (profiling);
// BENCH_COMMITTER=1 turns on transientStorePoolEnable (the committer thread, committer.ts).
// `busiestThreadUsPerMsg` (Linux): CPU per message of the busiest thread of the process, the store
// worker, the serial stage: 1e6 / it bounds msg/s whatever the other threads get, and it moves far
// less with the machine's load than msg/s does.
// See docs/benchmarks.md for results and how to read them.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../../src/common/log.js';
import { storeConfigFrom, type StoreConfig } from '../../src/store/config.js';
import { type ProducerPort, StoreProducer } from '../../src/store/producer.js';
import { openStore } from '../../src/store/store.js';
import { type LoopResult, type LoopSpec, appendLoop } from './append-loop.js';

const LARGE = process.env.BENCH_LARGE === '1';
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 2);
const COMMITTER = process.env.BENCH_COMMITTER === '1';
const MIB = 1024 * 1024;
const baseDir = process.env.BENCH_DIR ?? tmpdir();

function rawWriteMBps(dir: string): number {
  const chunk = Buffer.alloc(MIB, 7);
  const totalMiB = LARGE ? 4096 : 1024;
  const path = join(dir, 'raw');
  const fd = openSync(path, 'w');
  const started = performance.now();
  for (let i = 0; i < totalMiB; i++) writeSync(fd, chunk, 0, MIB, i * MIB);
  const elapsedS = (performance.now() - started) / 1000;
  closeSync(fd);
  rmSync(path);
  return totalMiB / elapsedS;
}

function fsyncPerSec(dir: string): number {
  const page = Buffer.alloc(4096, 1);
  const path = join(dir, 'fsync');
  const fd = openSync(path, 'w');
  const durationMs = LARGE ? 5000 : 2000;
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < durationMs) {
    writeSync(fd, page, 0, page.length, count * page.length);
    fdatasyncSync(fd);
    count++;
  }
  const elapsedS = (performance.now() - started) / 1000;
  closeSync(fd);
  rmSync(path);
  return count / elapsedS;
}

interface RunResult {
  messagesPerSec: number;
  recordMBps: number;
  bodyMBps: number;
  busyCount: number;
  /** Process CPU (all threads: producers, store worker, flusher, GC) per message. */
  cpuUsPerMsg: number;
  /** CPU per message of the busiest thread (the store worker); 0 where /proc is missing. */
  busiestThreadUsPerMsg: number;
}

const CLOCK_TICK_US = 10_000; // USER_HZ = 100 on Linux

/** CPU clock ticks (user + system) per thread of this process, from /proc (empty elsewhere). */
function threadCpuTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return ticks;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12])); // utime, stime (fields 14 and 15)
    } catch {
      // the thread ended
    }
  }
  return ticks;
}

function busiestThreadTicks(before: Map<string, number>, after: Map<string, number>): number {
  let busiest = 0;
  for (const [tid, ticks] of after) busiest = Math.max(busiest, ticks - (before.get(tid) ?? 0));
  return busiest;
}

type Round = (durationMs: number) => Promise<LoopResult>;

/** Starts a producer thread on its own port; resolves with its round runner (0 ends it). */
async function producerThread(port: ProducerPort, spec: LoopSpec): Promise<Round> {
  const worker = new Worker(new URL('./producer-thread.js', import.meta.url), { workerData: { port, spec } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return (durationMs) => new Promise<LoopResult>((resolve, reject) => {
    if (durationMs === 0) {
      worker.postMessage(0);
      resolve({ completed: 0, busyCount: 0, recordBytes: 0 });
      return;
    }
    worker.once('message', (result: LoopResult) => resolve(result));
    worker.once('error', reject);
    worker.postMessage(durationMs);
  });
}

/** Keeps `window` appends in flight in total, split over the producers. */
async function appendRun(
  config: StoreConfig, bodyBytes: number, window: number, durationMs: number, queues: number, producers: number,
): Promise<RunResult> {
  const dir = mkdtempSync(join(baseDir, 'petrel-bench-store-'));
  const store = await openStore({ ...config, storePathRootDir: dir }, silentLogger, { logDir: dir });
  const spec = (threadIndex: number): LoopSpec => ({
    bodyBytes, window: Math.ceil(window / Math.max(producers, 1)), queues, threadIndex,
  });
  const rounds: Round[] = [];
  if (producers === 0) {
    rounds.push(appendLoop(new StoreProducer(store.createProducerPort()), spec(0)));
  } else {
    for (let i = 0; i < producers; i++) rounds.push(await producerThread(store.createProducerPort(), spec(i)));
  }
  await Promise.all(rounds.map((round) => round(500))); // warm-up, not counted
  const cpuBefore = process.cpuUsage();
  const threadsBefore = threadCpuTicks();
  const startedAt = performance.now();
  const results = await Promise.all(rounds.map((round) => round(durationMs)));
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const busiestUs = busiestThreadTicks(threadsBefore, threadCpuTicks()) * CLOCK_TICK_US;
  if (producers > 0) await Promise.all(rounds.map((round) => round(0)));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const completed = results.reduce((sum, result) => sum + result.completed, 0);
  const recordBytes = (results[0] as LoopResult).recordBytes;
  const messagesPerSec = completed / elapsedS;
  return {
    messagesPerSec,
    recordMBps: (messagesPerSec * recordBytes) / MIB,
    bodyMBps: (messagesPerSec * bodyBytes) / MIB,
    busyCount: results.reduce((sum, result) => sum + result.busyCount, 0),
    cpuUsPerMsg: (cpu.user + cpu.system) / completed,
    busiestThreadUsPerMsg: busiestUs / completed,
  };
}

async function main(): Promise<void> {
  const durationMs = LARGE ? 10_000 : 3000;
  const base = storeConfigFrom({
    brokerIP1: '127.0.0.1', mappedFileSizeCommitLog: 1024 * MIB, transientStorePoolEnable: COMMITTER,
  });
  const asyncConfig: StoreConfig = { ...base, flushDiskType: 'ASYNC_FLUSH' };
  const only = process.env.BENCH_ONLY;
  if (only === 'async128' || only === 'async1k' || only === 'sync1k') {
    const config = only === 'sync1k' ? { ...base, flushDiskType: 'SYNC_FLUSH' as const } : asyncConfig;
    const run = await appendRun(config, only === 'async128' ? 128 : 1024, only === 'sync1k' ? 1024 : 4096, durationMs, 8, PRODUCERS);
    console.log(JSON.stringify(run));
    return;
  }
  const dir = mkdtempSync(join(baseDir, 'petrel-bench-raw-'));
  const raw = rawWriteMBps(dir);
  const fsyncs = fsyncPerSec(dir);
  rmSync(dir, { recursive: true, force: true });
  const async128 = await appendRun(asyncConfig, 128, 4096, durationMs, 8, PRODUCERS);
  const async128Main = await appendRun(asyncConfig, 128, 4096, durationMs, 8, 0);
  const async1k = await appendRun(asyncConfig, 1024, 4096, durationMs, 8, PRODUCERS);
  const sync1k = await appendRun({ ...base, flushDiskType: 'SYNC_FLUSH' }, 1024, 1024, durationMs, 8, PRODUCERS);
  const result = {
    rawWriteMBps: round(raw),
    fsyncPerSec: round(fsyncs),
    async128MsgPerSec: round(async128.messagesPerSec),
    async1kMBps: round(async1k.recordMBps),
    async1kBodyMBps: round(async1k.bodyMBps),
    sync1kMsgPerSec: round(sync1k.messagesPerSec),
    producerThreads: PRODUCERS,
    async128OneMainThreadProducerMsgPerSec: round(async128Main.messagesPerSec),
    busy: { async128: async128.busyCount, async1k: async1k.busyCount, sync1k: sync1k.busyCount },
    cpuUsPerMsg: {
      async128: round(async128.cpuUsPerMsg, 2), async128Main: round(async128Main.cpuUsPerMsg, 2),
      async1k: round(async1k.cpuUsPerMsg, 2), sync1k: round(sync1k.cpuUsPerMsg, 2),
    },
    busiestThreadUsPerMsg: {
      async128: round(async128.busiestThreadUsPerMsg, 3), async128Main: round(async128Main.busiestThreadUsPerMsg, 3),
      async1k: round(async1k.busiestThreadUsPerMsg, 3), sync1k: round(sync1k.busiestThreadUsPerMsg, 3),
    },
    committerThread: COMMITTER,
    loadAverage1m: round(loadavg()[0] ?? 0, 1),
    bars: {
      async1kVsRaw: round(async1k.recordMBps / raw, 2),
      async128AtLeast1_5M: async128.messagesPerSec >= 1_500_000,
      syncVsFsync: round(sync1k.messagesPerSec / fsyncs, 1),
    },
    large: LARGE,
  };
  console.log(JSON.stringify(result));
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

await main();
