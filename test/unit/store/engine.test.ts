// Proves the single-writer engine and the reader against real files in a tmp dir, without
// threads: rollover with tiny segments (blank records at segment tails), stamping, consume-queue
// statuses, transaction types, tag filters, key index, time lookups, clean and crash restarts,
// a torn tail, and corruption caught on read and at recovery.
import { mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/log.js';
import { BLANK_MAGIC, RecordPosition, SysFlag } from '../../../src/protocol/record-layout.js';
import { type StoreConfig, testMinStoreConfig } from '../../../src/store/config.js';
import { StoreEngine } from '../../../src/store/engine.js';
import { offsetFileName } from '../../../src/store/file-io.js';
import { StoreReader } from '../../../src/store/reader.js';
import { encodeStoreHost, readI64, stampRecord } from '../../../src/store/record-access.js';
import { bodyOf, buildRecord, tagsCodeOf, type TestMessage } from './record-builder.js';

let dir: string;
let clock: FakeClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'petrel-engine-'));
  clock = new FakeClock(1_700_000_000_000);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(overrides: Partial<StoreConfig> = {}): { engine: StoreEngine; reader: StoreReader; config: StoreConfig } {
  const config = testMinStoreConfig(dir, overrides);
  const engine = StoreEngine.open(config, silentLogger, clock);
  return { engine, reader: new StoreReader(engine.readerPort()), config };
}

function append(engine: StoreEngine, message: TestMessage): { physicalOffset: number; queueOffset: number; record: Buffer } {
  const record = buildRecord(message);
  const result = engine.append(record, [tagsCodeOf(message)]);
  if (result.status !== 'ok') throw new Error(`append failed: ${result.status}`);
  return { physicalOffset: result.physicalOffset, queueOffset: result.queueOffset, record };
}

/** The bytes the store should hold: the input with its offsets, store time and host stamped. */
function expectedStored(record: Buffer, queueOffset: number, physicalOffset: number, storeTimestampMs: number): Buffer {
  const copy = Buffer.from(record);
  stampRecord(copy, 0, queueOffset, physicalOffset, storeTimestampMs, encodeStoreHost('127.0.0.1', 10911));
  return copy;
}

describe('StoreEngine append and read', () => {
  it('rolls segments with a blank record and reads every record back byte-identical', () => {
    const { engine, reader, config } = open();
    const written = [];
    for (let i = 0; i < 120; i++) {
      clock.advanceMs(10);
      written.push({ ...append(engine, { topic: 'TopicA', queueId: i % 3, body: bodyOf(i, 150 + (i % 7) * 40) }), at: clock.nowMs() });
    }
    const segments = Math.ceil(written[119]!.physicalOffset / config.mappedFileSizeCommitLog);
    expect(segments).toBeGreaterThan(3);
    for (const item of written) {
      expect(reader.readRecord(item.physicalOffset)).toEqual(expectedStored(item.record, item.queueOffset, item.physicalOffset, item.at));
      // A record never crosses a segment end.
      const base = item.physicalOffset - (item.physicalOffset % config.mappedFileSizeCommitLog);
      expect(item.physicalOffset + item.record.length).toBeLessThanOrEqual(base + config.mappedFileSizeCommitLog - 8);
    }
    // The first segment ends with a blank: TOTALSIZE = bytes left, MAGIC = BLANK.
    const firstInSecond = written.find((item) => item.physicalOffset >= config.mappedFileSizeCommitLog)!;
    const lastInFirst = written[written.indexOf(firstInSecond) - 1]!;
    const blankAt = lastInFirst.physicalOffset + lastInFirst.record.length;
    const segment = readFileSync(join(dir, 'commitlog', offsetFileName(0)));
    expect(segment.readInt32BE(blankAt + 4)).toBe(BLANK_MAGIC);
    expect(segment.readInt32BE(blankAt)).toBe(config.mappedFileSizeCommitLog - blankAt);
    expect([0, 1, 2].map((queueId) => reader.maxOffset('TopicA', queueId))).toEqual([40, 40, 40]);
    engine.close();
  });

  it('answers RocketMQ pull statuses and bounds by count and bytes', () => {
    const { engine, reader } = open();
    expect(reader.getMessages('T', 0, 0, 32, 1 << 20).status).toBe('NO_MESSAGE_IN_QUEUE');
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) sizes.push(append(engine, { topic: 'T', queueId: 0, body: bodyOf(i, 100) }).record.length);
    const found = reader.getMessages('T', 0, 2, 3, 1 << 20);
    expect(found).toMatchObject({ status: 'FOUND', messageCount: 3, nextBeginOffset: 5, minOffset: 0, maxOffset: 10 });
    expect(found.body.length).toBe(sizes[2]! + sizes[3]! + sizes[4]!);
    expect(found.body.readInt32BE(RecordPosition.QUEUE_OFFSET + 4)).toBe(2);
    const byBytes = reader.getMessages('T', 0, 0, 32, sizes[0]! + sizes[1]! + 1);
    expect(byBytes.messageCount).toBe(2);
    expect(reader.getMessages('T', 0, 10, 32, 1 << 20)).toMatchObject({ status: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: 10 });
    expect(reader.getMessages('T', 0, 15, 32, 1 << 20)).toMatchObject({ status: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: 10 });
    engine.close();
  });

  it('filters by tag hash and skips filtered entries in nextBeginOffset', () => {
    const { engine, reader } = open();
    for (let i = 0; i < 6; i++) append(engine, { topic: 'T', queueId: 1, body: bodyOf(i, 60), tags: i % 3 === 0 ? 'TagA' : 'TagB' });
    const tagA = tagsCodeOf({ topic: 'T', queueId: 1, body: Buffer.alloc(0), tags: 'TagA' });
    const onlyA = reader.getMessages('T', 1, 0, 32, 1 << 20, { matchTagsCode: (code) => code === tagA });
    expect(onlyA).toMatchObject({ status: 'FOUND', messageCount: 2, nextBeginOffset: 6 });
    const none = reader.getMessages('T', 1, 1, 32, 1 << 20, { matchTagsCode: () => false });
    expect(none).toMatchObject({ status: 'NO_MATCHED_MESSAGE', nextBeginOffset: 6 });
    const byRecord = reader.getMessages('T', 1, 0, 32, 1 << 20, { matchRecord: (record) => record.readUInt32BE(88) === 4 });
    expect(byRecord.messageCount).toBe(1);
    engine.close();
  });

  it('gives PREPARED and ROLLBACK records queue offset 0 and no consume-queue entry', () => {
    const { engine, reader } = open();
    append(engine, { topic: 'T', queueId: 0, body: bodyOf(1, 10) });
    const prepared = append(engine, { topic: 'T', queueId: 0, body: bodyOf(2, 10), sysFlag: SysFlag.TRANSACTION_PREPARED_TYPE });
    const rollback = append(engine, { topic: 'T', queueId: 0, body: bodyOf(3, 10), sysFlag: SysFlag.TRANSACTION_ROLLBACK_TYPE });
    const commit = append(engine, { topic: 'T', queueId: 0, body: bodyOf(4, 10), sysFlag: SysFlag.TRANSACTION_COMMIT_TYPE });
    expect([prepared.queueOffset, rollback.queueOffset, commit.queueOffset]).toEqual([0, 0, 1]);
    expect(reader.maxOffset('T', 0)).toBe(2);
    expect(readI64(reader.readRecord(prepared.physicalOffset)!, RecordPosition.QUEUE_OFFSET)).toBe(0);
    engine.close();
  });

  it('finds records by KEYS and UNIQ_KEY, by time, and the earliest store time', () => {
    const { engine, reader } = open();
    const startMs = clock.nowMs();
    for (let i = 0; i < 50; i++) {
      clock.advanceMs(1000);
      append(engine, { topic: 'T', queueId: 0, body: bodyOf(i, 40), keys: `order-${i} shared`, uniqueKey: `U${i}` });
    }
    expect(reader.queryByKey('T', 'order-7', 10, 0, Date.now() * 2).messageCount).toBe(1);
    expect(reader.queryByKey('T', 'U42', 10, 0, Date.now() * 2).messageCount).toBe(1);
    expect(reader.queryByKey('T', 'shared', 100, 0, Date.now() * 2).messageCount).toBe(50);
    expect(reader.queryByKey('Other', 'order-7', 10, 0, Date.now() * 2).messageCount).toBe(0);
    expect(reader.earliestStoreTime('T', 0)).toBe(startMs + 1000);
    expect(reader.offsetByTimestamp('T', 0, startMs + 10_000)).toBe(9);
    expect(reader.offsetByTimestamp('T', 0, startMs + 10_400)).toBe(9);
    expect(reader.offsetByTimestamp('T', 0, startMs + 10_600)).toBe(10);
    expect(reader.offsetByTimestamp('T', 0, 0)).toBe(0);
    engine.close();
  });
});

describe('StoreEngine restart and recovery', () => {
  it('restarts cleanly from the checkpoint without scanning', () => {
    const first = open();
    const items = Array.from({ length: 40 }, (_, i) => append(first.engine, { topic: 'T', queueId: i % 2, body: bodyOf(i, 200), keys: `k${i}` }));
    first.engine.close();
    const second = open();
    expect(second.engine.recovery).toMatchObject({ abnormal: false, scannedRecords: 0 });
    expect(second.reader.maxOffset('T', 1)).toBe(20);
    for (const item of items) expect(second.reader.readRecord(item.physicalOffset)!.subarray(88, 288)).toEqual(item.record.subarray(88, 288));
    expect(second.reader.queryByKey('T', 'k33', 5, 0, Date.now() * 2).messageCount).toBe(1);
    const next = append(second.engine, { topic: 'T', queueId: 0, body: bodyOf(99, 10) });
    expect(next.queueOffset).toBe(20);
    second.engine.close();
  });

  it('recovers everything written after a crash (abort left behind) and rebuilds the index', () => {
    const first = open();
    for (let i = 0; i < 30; i++) append(first.engine, { topic: 'T', queueId: 0, body: bodyOf(i, 300), keys: `k${i}` });
    first.engine.abandon();
    const second = open();
    expect(second.engine.recovery.abnormal).toBe(true);
    expect(second.reader.maxOffset('T', 0)).toBe(30);
    expect(second.reader.queryByKey('T', 'k29', 5, 0, Date.now() * 2).messageCount).toBe(1);
    expect(second.reader.getMessages('T', 0, 25, 32, 1 << 20).messageCount).toBe(5);
    second.engine.close();
  });

  it('truncates a torn tail and reuses its offsets for the next append', () => {
    const first = open();
    const items = Array.from({ length: 11 }, (_, i) => append(first.engine, { topic: 'T', queueId: 0, body: bodyOf(i, 250) }));
    // The checkpoint proves the first 11 durable; the 12th is torn by the "crash".
    first.engine.checkpoint();
    items.push(append(first.engine, { topic: 'T', queueId: 0, body: bodyOf(11, 250) }));
    first.engine.abandon();
    const last = items[11]!;
    const segment = join(dir, 'commitlog', offsetFileName(last.physicalOffset - (last.physicalOffset % 8192)));
    const cut = (last.physicalOffset % 8192) + 100;
    truncateSync(segment, cut);
    const second = open();
    expect(second.reader.maxOffset('T', 0)).toBe(11);
    expect(second.reader.readRecord(last.physicalOffset)).toBeNull();
    const again = append(second.engine, { topic: 'T', queueId: 0, body: bodyOf(77, 250) });
    expect(again).toMatchObject({ queueOffset: 11, physicalOffset: last.physicalOffset });
    second.engine.abandon();
    const third = open();
    expect(third.reader.maxOffset('T', 0)).toBe(12);
    expect(third.reader.readRecord(again.physicalOffset)!.subarray(88, 338)).toEqual(bodyOf(77, 250));
    third.engine.close();
  });

  it('detects a flipped body byte on read and stops recovery at it', () => {
    const first = open();
    const items = Array.from({ length: 8 }, (_, i) => append(first.engine, { topic: 'T', queueId: 0, body: bodyOf(i, 300) }));
    first.engine.close();
    const victim = items[5]!;
    const segment = join(dir, 'commitlog', offsetFileName(victim.physicalOffset - (victim.physicalOffset % 8192)));
    flipByte(segment, (victim.physicalOffset % 8192) + 120);
    const second = open();
    expect(() => second.reader.readRecord(victim.physicalOffset)).toThrow(/verification/);
    const pulled = second.reader.getMessages('T', 0, 4, 32, 1 << 20);
    expect(pulled.messageCount).toBe(3);
    expect(second.reader.corruptRecordCount).toBe(1);
    second.engine.abandon();
    rmSync(join(dir, 'checkpoint'));
    const third = open();
    expect(third.engine.recovery).toMatchObject({ abnormal: true, corruptReason: 'crc' });
    expect(third.reader.maxOffset('T', 0)).toBe(5);
    third.engine.close();
  });
});

function flipByte(path: string, position: number): void {
  const fd = openSync(path, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, position);
  byte[0] = (byte[0] ?? 0) ^ 0xff;
  writeSync(fd, byte, 0, 1, position);
  closeSync(fd);
}
