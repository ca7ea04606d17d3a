// `make bench-store`: the store's append throughput through the real rings and store worker,
// next to the raw floor of the same disk, in one process run. Ends with one JSON line.
// BENCH_LARGE=1 runs longer. See docs/benchmarks.md for results and how to read them.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../src/common/log.js';
import { encodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord } from '../../src/protocol/record.js';
import { storeConfigFrom, type StoreConfig } from '../../src/store/config.js';
import { indexKeyHashesOf } from '../../src/store/index-file.js';
import { StoreProducer } from '../../src/store/producer.js';
import { openStore } from '../../src/store/store.js';

const LARGE = process.env.BENCH_LARGE === '1';
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

const TOPIC = 'BenchmarkTest';

function uniqKey(index: number): string {
  return `0A0000020000${String(index).padStart(20, '0')}`;
}

function record(bodyBytes: number, queueId: number, index: number): Buffer {
  return encodeRecord({
    topic: TOPIC,
    body: Buffer.alloc(bodyBytes, index & 0xff),
    properties: encodeProperties({ UNIQ_KEY: uniqKey(index), TAGS: 'TagA', WAIT: 'true' }),
    queueId,
    flag: 0,
    sysFlag: 0,
    bornTimestampMs: Date.now(),
    bornHost: '10.0.0.2:50000',
  });
}

interface RunResult {
  messagesPerSec: number;
  recordMBps: number;
  bodyMBps: number;
  busyCount: number;
  /** Process CPU (all threads: producer, store worker, flusher, GC) per message. */
  cpuUsPerMsg: number;
}

/** Keeps `window` appends in flight from this thread (each completion triggers the next append). */
async function appendRun(
  config: StoreConfig, bodyBytes: number, window: number, durationMs: number, queues: number,
): Promise<RunResult> {
  const dir = mkdtempSync(join(baseDir, 'petrel-bench-store-'));
  const store = await openStore({ ...config, storePathRootDir: dir }, silentLogger, { logDir: dir });
  const producer = new StoreProducer(store.createProducerPort());
  const records = Array.from({ length: 64 }, (_, i) => record(bodyBytes, i % queues, i));
  // An I/O thread has each message's UNIQ_KEY as a string and hashes it for the index there.
  const keys = records.map((_, i) => uniqKey(i));
  const keyHashes: number[] = [];
  const recordBytes = (records[0] as Buffer).length;
  let completed = 0;
  let busyCount = 0;
  let next = 0;
  let stopAt = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  let inFlight = 0;
  const onDone = (): void => {
    completed++;
    inFlight--;
    if (performance.now() < stopAt) submit();
    else if (inFlight === 0) finish();
  };
  const submit = (): void => {
    while (inFlight < window) {
      const at = next++ & 63;
      keyHashes.length = 0;
      const status = producer.append(records[at] as Buffer, 0, onDone, indexKeyHashesOf(TOPIC, keys[at], undefined, keyHashes));
      if (status !== 'queued') {
        busyCount++;
        if (inFlight === 0) setImmediate(submit);
        return;
      }
      inFlight++;
    }
  };
  // warm-up: 0.5 s, not counted
  stopAt = performance.now() + 500;
  submit();
  await finished;
  completed = 0;
  busyCount = 0;
  const warm = new Promise<void>((resolve) => { finish = resolve; });
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  stopAt = startedAt + durationMs;
  submit();
  await warm;
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const messagesPerSec = completed / elapsedS;
  return {
    messagesPerSec,
    recordMBps: (messagesPerSec * recordBytes) / MIB,
    bodyMBps: (messagesPerSec * bodyBytes) / MIB,
    busyCount,
    cpuUsPerMsg: (cpu.user + cpu.system) / completed,
  };
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (only === 'async128') {
    const base0 = storeConfigFrom({ brokerIP1: '127.0.0.1', mappedFileSizeCommitLog: 1024 * MIB });
    console.log(JSON.stringify(await appendRun({ ...base0, flushDiskType: 'ASYNC_FLUSH' }, 128, 4096, 3000, 8)));
    return;
  }
  const dir = mkdtempSync(join(baseDir, 'petrel-bench-raw-'));
  const raw = rawWriteMBps(dir);
  const fsyncs = fsyncPerSec(dir);
  rmSync(dir, { recursive: true, force: true });
  const durationMs = LARGE ? 10_000 : 3000;
  const base = storeConfigFrom({ brokerIP1: '127.0.0.1', mappedFileSizeCommitLog: 1024 * MIB });
  const async128 = await appendRun({ ...base, flushDiskType: 'ASYNC_FLUSH' }, 128, 4096, durationMs, 8);
  const async1k = await appendRun({ ...base, flushDiskType: 'ASYNC_FLUSH' }, 1024, 4096, durationMs, 8);
  const sync1k = await appendRun({ ...base, flushDiskType: 'SYNC_FLUSH' }, 1024, 1024, durationMs, 8);
  const result = {
    rawWriteMBps: round(raw),
    fsyncPerSec: round(fsyncs),
    async128MsgPerSec: round(async128.messagesPerSec),
    async1kMBps: round(async1k.recordMBps),
    async1kBodyMBps: round(async1k.bodyMBps),
    sync1kMsgPerSec: round(sync1k.messagesPerSec),
    busy: { async128: async128.busyCount, async1k: async1k.busyCount, sync1k: sync1k.busyCount },
    cpuUsPerMsg: { async128: round(async128.cpuUsPerMsg, 2), async1k: round(async1k.cpuUsPerMsg, 2), sync1k: round(sync1k.cpuUsPerMsg, 2) },
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
