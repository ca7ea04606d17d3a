// The store worker's per-message CPU without threads: StoreWriter driven in a plain loop (batches
// of up to 512 KiB as the store worker commits them), ASYNC_FLUSH, no flusher. Prints one JSON
// line: writer CPU µs (user + system) per message for 128 B and 1 KiB bodies, with and without producer-supplied
// index-key hashes. `node dist/bench/store/writer-loop.bench.js`; see docs/benchmarks.md (store).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord } from '../../src/protocol/record.js';
import { deriveStoreLayout, storeConfigFrom } from '../../src/store/config.js';
import { nodeFileIo } from '../../src/store/file-io.js';
import { indexKeyHashesOf } from '../../src/store/index-file.js';
import { SharedState } from '../../src/store/shared-state.js';
import { TailCache } from '../../src/store/tail-cache.js';
import { AddCode, StoreWriter } from '../../src/store/writer.js';

const MIB = 1024 * 1024;
const BATCH_TARGET_BYTES = 512 * 1024;
const TOPIC = 'BenchmarkTest';

function uniqKey(index: number): string {
  return `0A0000020000${String(index).padStart(20, '0')}`;
}

function record(bodyBytes: number, index: number): Buffer {
  return encodeRecord({
    topic: TOPIC,
    body: Buffer.alloc(bodyBytes, index & 0xff),
    properties: encodeProperties({ UNIQ_KEY: uniqKey(index), TAGS: 'TagA', WAIT: 'true' }),
    queueId: index % 8,
    flag: 0,
    sysFlag: 0,
    bornTimestampMs: Date.now(),
    bornHost: '10.0.0.2:50000',
  });
}

function run(bodyBytes: number, withKeyHashes: boolean, totalBytes: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'petrel-writer-loop-'));
  const layout = deriveStoreLayout(storeConfigFrom({ storePathRootDir: dir, brokerIP1: '127.0.0.1', mappedFileSizeCommitLog: 1024 * MIB }));
  for (const path of [layout.commitLogDir, layout.consumeQueueDir, layout.indexDir]) mkdirSync(path, { recursive: true });
  const shared = SharedState.create(layout.queueSlotsMax);
  const tail = new TailCache(new SharedArrayBuffer(layout.tailCacheBytes), shared);
  const writer = new StoreWriter(layout, nodeFileIo, shared, tail, new Int32Array(new SharedArrayBuffer(layout.indexSlotCount * 4)));
  writer.index?.open(null, Date.now());
  const records = Array.from({ length: 64 }, (_, i) => record(bodyBytes, i));
  const source = Buffer.concat(records);
  const starts = records.map((_, i) => i * (records[0] as Buffer).length);
  const recordBytes = (records[0] as Buffer).length;
  // What the producer threads would pass (computed there, not counted here).
  const keyHashes = Int32Array.from(records.flatMap((_, i) => indexKeyHashesOf(TOPIC, uniqKey(i), undefined)));
  const tags = new Float64Array(1);
  let messages = 0;
  const cpuBefore = process.cpuUsage();
  while (messages * recordBytes < totalBytes) {
    writer.beginBatch(Date.now());
    for (let i = 0; writer.batchBytes < BATCH_TARGET_BYTES; i++) {
      const at = i & 63;
      const keyIndex = withKeyHashes ? 2 * at : -1;
      const physicalOffset = writer.add(source, starts[at] as number, recordBytes, 1, tags, 0, keyHashes, keyIndex);
      if (physicalOffset === AddCode.BATCH_FULL) break;
      messages++;
    }
    writer.commitBatch();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedUs = cpu.user + cpu.system;
  writer.close();
  rmSync(dir, { recursive: true, force: true });
  return elapsedUs / messages;
}

const totalBytes = (process.env.BENCH_LARGE === '1' ? 2048 : 512) * MIB;
const result = {
  writerUsPerMsg128: round(run(128, false, totalBytes)),
  writerUsPerMsg128KeyHashes: round(run(128, true, totalBytes)),
  writerUsPerMsg1k: round(run(1024, false, totalBytes)),
  writerUsPerMsg1kKeyHashes: round(run(1024, true, totalBytes)),
};
console.log(JSON.stringify(result));

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
