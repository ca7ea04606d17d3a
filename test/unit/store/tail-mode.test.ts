// Proves the write path's two copy modes and the producer-side index hashes, without threads.
// Tail mode (records stamped in the source, copied once into the tail cache, the commit log
// written from the tail cache) and batch-buffer mode (small tail cache) must store the same
// bytes: multi-append batches are driven through StoreWriter as the store worker drives it,
// wrapping the 64 KiB tail cache several times and rolling 8 KiB segments, and every record is
// read back (tail cache and files), then again after a clean restart and after a crash.
// Index-key hashes computed by `indexKeyHashesOf` must equal what the worker computes from the
// properties bytes, and appends carrying them must be found by key.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/log.js';
import { encodeProperties } from '../../../src/protocol/properties.js';
import { type StoreConfig, testMinStoreConfig } from '../../../src/store/config.js';
import { StoreEngine } from '../../../src/store/engine.js';
import { offsetFileName } from '../../../src/store/file-io.js';
import { indexKeyHashesOf, scanIndexKeyHashes, topicHashPrefix } from '../../../src/store/index-file.js';
import { StoreReader } from '../../../src/store/reader.js';
import { encodeStoreHost, stampRecord } from '../../../src/store/record-access.js';
import { AddCode } from '../../../src/store/writer.js';
import { bodyOf, buildRecord } from './record-builder.js';

let dir: string;
let clock: FakeClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'petrel-tail-mode-'));
  clock = new FakeClock(1_700_000_000_000);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Written { record: Buffer; queueId: number; physicalOffset: number; queueOffset: number; storeTimestampMs: number }

/** Appends `count` records in batches of up to `perBatch` appends, as the store worker does. */
function appendBatches(engine: StoreEngine, count: number, perBatch: number): Written[] {
  const written: Written[] = [];
  const tags = new Float64Array(1);
  let i = 0;
  while (i < count) {
    clock.advanceMs(3);
    const storeTimestampMs = clock.nowMs();
    engine.writer.beginBatch(storeTimestampMs);
    for (let n = 0; n < perBatch && i < count; n++, i++) {
      const record = buildRecord({ topic: 'TailTopic', queueId: i % 3, body: bodyOf(i, 60 + ((i * 37) % 900)), uniqueKey: `U${i}` });
      const source = Buffer.concat([Buffer.alloc(8), record]);
      const physicalOffset = engine.writer.add(source, 8, record.length, 1, tags, 0);
      if (physicalOffset === AddCode.BATCH_FULL) break;
      expect(physicalOffset).toBeGreaterThanOrEqual(0);
      written.push({ record, queueId: i % 3, physicalOffset, queueOffset: engine.writer.lastQueueOffset, storeTimestampMs });
    }
    expect(engine.writer.commitBatch()).toBe(true);
  }
  return written;
}

function expectedStored(item: Written): Buffer {
  const copy = Buffer.from(item.record);
  stampRecord(copy, 0, item.queueOffset, item.physicalOffset, item.storeTimestampMs, encodeStoreHost('127.0.0.1', 10911));
  return copy;
}

function checkAll(config: StoreConfig, written: readonly Written[]): void {
  const engine = StoreEngine.open(config, silentLogger, clock);
  const reader = new StoreReader(engine.readerPort());
  for (const item of written) expect(reader.readRecord(item.physicalOffset)).toEqual(expectedStored(item));
  expect([0, 1, 2].map((queueId) => reader.maxOffset('TailTopic', queueId)))
    .toEqual([0, 1, 2].map((queueId) => written.filter((item) => item.queueId === queueId).length));
  reader.close();
  engine.abandon();
}

describe.each([
  { mode: 'tail', overrides: {}, tailMode: true },
  { mode: 'batch-buffer', overrides: { mappedFileSizeCommitLog: 64 * 1024 }, tailMode: false },
])('$mode mode', ({ overrides, tailMode }) => {
  it('stores every record of multi-append batches byte-identical, across the tail wrap, restart and crash', () => {
    const config = testMinStoreConfig(dir, overrides);
    const engine = StoreEngine.open(config, silentLogger, clock);
    expect(engine.writer.tailMode).toBe(tailMode);
    const reader = new StoreReader(engine.readerPort());
    const written = appendBatches(engine, 700, 40);
    const end = written[written.length - 1]!;
    expect(end.physicalOffset).toBeGreaterThan(4 * config.storeTailCacheBytes);
    const segments = new Map<number, Buffer>();
    for (const item of written) {
      const stored = expectedStored(item);
      expect(reader.readRecord(item.physicalOffset)).toEqual(stored);
      const base = item.physicalOffset - (item.physicalOffset % config.mappedFileSizeCommitLog);
      const segment = segments.get(base) ?? readFileSync(join(dir, 'commitlog', offsetFileName(base)));
      segments.set(base, segment);
      const position = item.physicalOffset - base;
      expect(segment.subarray(position, position + stored.length)).toEqual(stored);
    }
    const got = reader.getMessages('TailTopic', 1, 0, 1000, 1 << 24);
    expect(got.messageCount).toBe(written.filter((item) => item.queueId === 1).length);
    reader.close();
    engine.close();
    checkAll(config, written);
    // Crash: more batches, no clean close; every record written before is still there.
    const again = StoreEngine.open(config, silentLogger, clock);
    const more = appendBatches(again, 100, 25);
    again.abandon();
    checkAll(config, [...written, ...more]);
  });
});

describe('producer-side index-key hashes', () => {
  it('equal the hashes the store worker computes from the properties bytes', () => {
    const cases = [
      { topic: 'T', uniq: 'AC11000100002A9F0000000000000001', keys: undefined },
      { topic: 'TopicWithLongerName', uniq: 'U1', keys: 'order-1 order-2  spaced' },
      { topic: 'Ünïcode', uniq: undefined, keys: 'ключ 键 plain' },
      { topic: 'T', uniq: '', keys: '' },
    ];
    for (const { topic, uniq, keys } of cases) {
      const properties: Record<string, string> = { TAGS: 'A' };
      if (uniq !== undefined) properties.UNIQ_KEY = uniq;
      if (keys !== undefined) properties.KEYS = keys;
      const bytes = Buffer.from(encodeProperties(properties));
      const fromBytes: number[] = [];
      scanIndexKeyHashes(bytes, 0, bytes.length, topicHashPrefix(topic), (hash) => fromBytes.push(hash));
      const fromProducer = indexKeyHashesOf(topic, uniq, keys);
      expect(fromProducer[0]).toBe(fromBytes.length);
      expect([...fromProducer.slice(1)].sort()).toEqual([...fromBytes].sort());
    }
  });

  it('index an append so every key is found', () => {
    const engine = StoreEngine.open(testMinStoreConfig(dir), silentLogger, clock);
    const reader = new StoreReader(engine.readerPort());
    const offsets: number[] = [];
    for (let i = 0; i < 20; i++) {
      const record = buildRecord({ topic: 'K', queueId: 0, body: bodyOf(i, 50), uniqueKey: `uniq-${i}`, keys: `a${i} b${i}` });
      const result = engine.append(record, [0], indexKeyHashesOf('K', `uniq-${i}`, `a${i} b${i}`));
      expect(result.status).toBe('ok');
      if (result.status === 'ok') offsets.push(result.physicalOffset);
    }
    for (let i = 0; i < 20; i++) {
      for (const key of [`uniq-${i}`, `a${i}`, `b${i}`]) {
        expect(reader.queryByKey('K', key, 10, 0, clock.nowMs() + 1000).physicalOffsets).toEqual([offsets[i]]);
      }
    }
    reader.close();
    engine.close();
  });
});
