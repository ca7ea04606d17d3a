// `make bench-store-floor`: what issue 3's `async1kMBps >= 0.7 x rawWriteMBps` bar asks of any
// ring-fed store on this machine. In one process run, interleaved, three loops write the same
// bytes (1,184-byte records: a 1 KiB body plus the bench's record overhead) into a fresh file:
//   raw            the bench's raw floor: 1 MiB writeSync calls from one reused buffer;
//   copyThenWrite  one thread copies records into a 1 MiB batch buffer, then writes it
//                  (the least a single-threaded store does: assemble, then write);
//   pipelined      a producer thread copies records into a SharedArrayBuffer ring, this thread
//                  writes the ring's filled spans straight to the file (no stamping, no consume
//                  queue, no index, no tail cache, no completions: the store's design with all
//                  per-record work taken out).
// The ratios of the last two to raw are ceilings for `async1kMBps / rawWriteMBps`: a store that
// also stamps, indexes and acknowledges each record can only be slower. Ends with one JSON line.
// FLOOR_TOTAL_MIB (default 1024, the bench's raw size) and FLOOR_ROUNDS (default 3) size it.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

export const FLOOR_RECORD_BYTES = 1184;
const CHUNK_BYTES = 1024 * 1024;
const RING_BYTES = 8 * 1024 * 1024;
const RECORDS_PER_RING = Math.floor(RING_BYTES / FLOOR_RECORD_BYTES);
/** Records the producer copies per ring publish (an I/O thread's read holds tens of sends). */
const PRODUCER_BATCH_RECORDS = 64;
/** Records per writeSync in the pipelined loop: ~1 MiB, as the raw loop's chunk. */
const WRITE_RECORDS_MAX = Math.floor(CHUNK_BYTES / FLOOR_RECORD_BYTES);
const Ctl = { HEAD: 0, TAIL: 1 } as const;

export interface FloorRound {
  rawMBps: number;
  copyThenWriteMBps: number;
  pipelinedMBps: number;
  /** `copyThenWriteMBps` over the mean of the raw loops run before and after it. */
  copyThenWriteVsRaw: number;
  pipelinedVsRaw: number;
}

function mbPerSec(bytes: number, startedMs: number): number {
  return bytes / (1024 * 1024) / ((performance.now() - startedMs) / 1000);
}

function rawLoop(path: string, totalBytes: number): number {
  const chunk = Buffer.alloc(CHUNK_BYTES, 7);
  const fd = openSync(path, 'w');
  const startedMs = performance.now();
  for (let position = 0; position < totalBytes; position += CHUNK_BYTES) writeSync(fd, chunk, 0, CHUNK_BYTES, position);
  const result = mbPerSec(totalBytes, startedMs);
  closeSync(fd);
  rmSync(path);
  return result;
}

function copyThenWriteLoop(path: string, totalBytes: number): number {
  const source = Buffer.alloc(PRODUCER_BATCH_RECORDS * FLOOR_RECORD_BYTES, 3);
  const batch = Buffer.alloc(CHUNK_BYTES);
  const fd = openSync(path, 'w');
  const startedMs = performance.now();
  let writtenBytes = 0;
  let sourcePosition = 0;
  while (writtenBytes < totalBytes) {
    let batchBytes = 0;
    while (batchBytes + FLOOR_RECORD_BYTES <= CHUNK_BYTES) {
      source.copy(batch, batchBytes, sourcePosition, sourcePosition + FLOOR_RECORD_BYTES);
      sourcePosition = (sourcePosition + FLOOR_RECORD_BYTES) % source.length;
      batchBytes += FLOOR_RECORD_BYTES;
    }
    writeSync(fd, batch, 0, batchBytes, writtenBytes);
    writtenBytes += batchBytes;
  }
  const result = mbPerSec(writtenBytes, startedMs);
  closeSync(fd);
  rmSync(path);
  return result;
}

interface ProducerStart {
  ring: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  totalRecords: number;
}

/** The producer thread: copies records into the ring, publishing HEAD (records) per batch. */
function producerMain(start: ProducerStart): void {
  const ring = new Uint8Array(start.ring);
  const ctl = new Int32Array(start.ctl);
  const source = new Uint8Array(PRODUCER_BATCH_RECORDS * FLOOR_RECORD_BYTES).fill(5);
  let head = 0;
  while (head < start.totalRecords) {
    let tail = Atomics.load(ctl, Ctl.TAIL);
    while (head - tail >= RECORDS_PER_RING) {
      Atomics.wait(ctl, Ctl.TAIL, tail, 5);
      tail = Atomics.load(ctl, Ctl.TAIL);
    }
    const count = Math.min(RECORDS_PER_RING - (head - tail), PRODUCER_BATCH_RECORDS, start.totalRecords - head);
    for (let i = 0; i < count; i++) {
      const at = ((head + i) % RECORDS_PER_RING) * FLOOR_RECORD_BYTES;
      ring.set(source.subarray(i * FLOOR_RECORD_BYTES, (i + 1) * FLOOR_RECORD_BYTES), at);
    }
    head += count;
    Atomics.store(ctl, Ctl.HEAD, head);
    Atomics.notify(ctl, Ctl.HEAD);
  }
}

async function pipelinedLoop(path: string, totalBytes: number): Promise<number> {
  const totalRecords = Math.floor(totalBytes / FLOOR_RECORD_BYTES);
  const start: ProducerStart = {
    ring: new SharedArrayBuffer(RING_BYTES), ctl: new SharedArrayBuffer(8), totalRecords,
  };
  const ctl = new Int32Array(start.ctl);
  const ring = Buffer.from(start.ring);
  const fd = openSync(path, 'w');
  const worker = new Worker(new URL(import.meta.url), { workerData: start });
  await new Promise((resolve) => worker.once('online', resolve));
  const startedMs = performance.now();
  let tail = 0;
  while (tail < totalRecords) {
    let head = Atomics.load(ctl, Ctl.HEAD);
    while (head === tail) {
      Atomics.wait(ctl, Ctl.HEAD, head, 5);
      head = Atomics.load(ctl, Ctl.HEAD);
    }
    const from = tail % RECORDS_PER_RING;
    const count = Math.min(head - tail, RECORDS_PER_RING - from, WRITE_RECORDS_MAX);
    writeSync(fd, ring, from * FLOOR_RECORD_BYTES, count * FLOOR_RECORD_BYTES, tail * FLOOR_RECORD_BYTES);
    tail += count;
    Atomics.store(ctl, Ctl.TAIL, tail);
    Atomics.notify(ctl, Ctl.TAIL);
  }
  const result = mbPerSec(totalRecords * FLOOR_RECORD_BYTES, startedMs);
  closeSync(fd);
  rmSync(path);
  await worker.terminate();
  return result;
}

/** One interleaved round: raw, copy-then-write, pipelined, raw again (ratios use the raw mean). */
export async function floorRound(dir: string, totalBytes: number): Promise<FloorRound> {
  const rawBefore = rawLoop(join(dir, 'raw'), totalBytes);
  const copyThenWriteMBps = copyThenWriteLoop(join(dir, 'copy'), totalBytes);
  const pipelinedMBps = await pipelinedLoop(join(dir, 'pipe'), totalBytes);
  const rawAfter = rawLoop(join(dir, 'raw'), totalBytes);
  const rawMBps = (rawBefore + rawAfter) / 2;
  return {
    rawMBps, copyThenWriteMBps, pipelinedMBps,
    copyThenWriteVsRaw: copyThenWriteMBps / rawMBps, pipelinedVsRaw: pipelinedMBps / rawMBps,
  };
}

async function main(): Promise<void> {
  const totalBytes = Number(process.env.FLOOR_TOTAL_MIB ?? 1024) * CHUNK_BYTES;
  const rounds = Number(process.env.FLOOR_ROUNDS ?? 3);
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'petrel-bench-floor-'));
  const results: FloorRound[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const round = await floorRound(dir, totalBytes);
      results.push(round);
      console.log(`round ${r + 1}: raw ${round.rawMBps.toFixed(0)} MB/s, copy+write ${round.copyThenWriteMBps.toFixed(0)} `
        + `(${round.copyThenWriteVsRaw.toFixed(2)} x), pipelined ${round.pipelinedMBps.toFixed(0)} (${round.pipelinedVsRaw.toFixed(2)} x)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratios = results.map((round) => round.pipelinedVsRaw);
  console.log(JSON.stringify({
    totalMiB: totalBytes / CHUNK_BYTES,
    rounds: results.map((round) => ({
      rawMBps: Math.round(round.rawMBps), copyThenWriteMBps: Math.round(round.copyThenWriteMBps),
      pipelinedMBps: Math.round(round.pipelinedMBps),
      copyThenWriteVsRaw: Number(round.copyThenWriteVsRaw.toFixed(2)), pipelinedVsRaw: Number(round.pipelinedVsRaw.toFixed(2)),
    })),
    pipelinedVsRawMin: Number(Math.min(...ratios).toFixed(2)),
    pipelinedVsRawMax: Number(Math.max(...ratios).toFixed(2)),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(1)),
  }));
}

if (!isMainThread) {
  producerMain(workerData as ProducerStart);
  parentPort?.close();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
