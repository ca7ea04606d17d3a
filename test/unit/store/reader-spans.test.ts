// Proves the reader's span reads (src/store/reader.ts `assemble`): with two queues interleaved
// in small commit-log segments (8 KiB) and a 64 KiB tail cache, a pull of one queue (records
// with gaps between them, spans broken at segment ends, old ones read from files and new ones
// from the tail cache) returns exactly the records that reading them one by one returns, in
// order; a record corrupted on disk is left out (and counted) while the rest of its span is
// returned intact; and a record filter that rejects some records compacts the body correctly.
// Each case runs twice: the body in a buffer of its own, and the body assembled for a shared
// slot (a `target` over a SharedArrayBuffer, as a dispatch worker passes: assembled in the
// reader's working memory, then copied there); a slot body must start at the slot.
import { mkdtempSync, openSync, closeSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/log.js';
import { decodeRecords } from '../../../src/protocol/record-decode.js';
import { testMinStoreConfig } from '../../../src/store/config.js';
import { StoreEngine } from '../../../src/store/engine.js';
import { offsetFileName } from '../../../src/store/file-io.js';
import { StoreReader } from '../../../src/store/reader.js';
import { bodyOf, buildRecord } from './record-builder.js';

const SEGMENT_BYTES = 8 * 1024;
const COUNT = 900;

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'petrel-reader-spans-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Appends COUNT records alternating between queue 0 and 1 (bodies of 60-160 bytes); returns their physical offsets. */
function fill(engine: StoreEngine): number[] {
  const physical: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    const appended = engine.append(buildRecord({ topic: 'T', queueId: i % 2, body: bodyOf(i, 60 + (i % 5) * 25) }), [0]);
    if (appended.status !== 'ok') throw new Error(`append ${i}: ${appended.status}`);
    physical.push(appended.physicalOffset);
  }
  return physical;
}

/** The record ids (first body word) and bytes of a pull body. */
function records(body: Buffer): Array<{ id: number; bytes: Buffer; physicalOffset: number }> {
  return decodeRecords(body).map((record) => ({ id: record.body.readUInt32BE(0), bytes: record.bytes, physicalOffset: record.physicalOffset }));
}

/** A shared body slot large enough for 64 of these records. */
const SLOT_BYTES = 32 * 1024;
let slot: Buffer | undefined;

function pullAll(reader: StoreReader, queueId: number, filter?: { matchRecord(record: Buffer): boolean }): Array<{ id: number; bytes: Buffer; physicalOffset: number }> {
  const out: Array<{ id: number; bytes: Buffer; physicalOffset: number }> = [];
  let queueOffset = 0;
  for (;;) {
    const got = reader.getMessages('T', queueId, queueOffset, 64, 1 << 20, filter, slot);
    if (got.nextBeginOffset === queueOffset) break;
    if (slot !== undefined && got.messageCount > 0) {
      expect(got.body.buffer).toBe(slot.buffer);
      expect(got.body.byteOffset).toBe(slot.byteOffset);
    }
    // A slot is overwritten by the next pull: keep a copy of what this one returned.
    out.push(...records(Buffer.from(got.body)));
    queueOffset = got.nextBeginOffset;
    if (queueOffset >= reader.maxOffset('T', queueId)) break;
  }
  return out;
}

function open(): StoreEngine {
  return StoreEngine.open(testMinStoreConfig(dir, { mappedFileSizeCommitLog: SEGMENT_BYTES }), silentLogger, new FakeClock(1));
}

describe.each([['a body of its own', false], ['a shared slot body', true]])('StoreReader span reads, %s', (_name, shared) => {
  beforeEach(() => { slot = shared ? Buffer.from(new SharedArrayBuffer(SLOT_BYTES)) : undefined; });

  it('returns what record-by-record reads return, across segments, files and the tail cache', () => {
    const engine = open();
    fill(engine);
    const reader = new StoreReader(engine.readerPort());
    for (const queueId of [0, 1]) {
      const pulled = pullAll(reader, queueId);
      expect(pulled.map((r) => r.id)).toEqual(Array.from({ length: COUNT / 2 }, (_, i) => 2 * i + queueId));
      for (const record of pulled) expect(record.bytes.equals(reader.readRecord(record.physicalOffset) as Buffer)).toBe(true);
    }
    expect(reader.corruptRecordCount).toBe(0);
    engine.close();
  });

  it('leaves out a record corrupted on disk and keeps the rest of its span', () => {
    const engine = open();
    const physical = fill(engine);
    const victim = 20;
    const victimOffset = physical[victim] as number;
    const segmentStart = victimOffset - (victimOffset % SEGMENT_BYTES);
    const path = join(engine.readerPort().layout.commitLogDir, offsetFileName(segmentStart));
    const fd = openSync(path, 'r+');
    const byte = Buffer.alloc(1);
    const bodyByteAt = victimOffset - segmentStart + 120;
    readSync(fd, byte, 0, 1, bodyByteAt);
    byte[0] = (byte[0] as number) ^ 0xff;
    writeSync(fd, byte, 0, 1, bodyByteAt);
    closeSync(fd);
    const reader = new StoreReader(engine.readerPort());
    const ids = pullAll(reader, 0).map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: COUNT / 2 }, (_, i) => 2 * i).filter((id) => id !== victim));
    expect(reader.corruptRecordCount).toBe(1);
    engine.close();
  });

  it('compacts the body when a record filter rejects records inside a span', () => {
    const engine = open();
    fill(engine);
    const reader = new StoreReader(engine.readerPort());
    const rejectEveryThird = { matchRecord: (record: Buffer) => (records(record)[0]?.id ?? 0) % 3 !== 0 };
    const pulled = pullAll(reader, 1, rejectEveryThird);
    expect(pulled.map((r) => r.id)).toEqual(Array.from({ length: COUNT / 2 }, (_, i) => 2 * i + 1).filter((id) => id % 3 !== 0));
    for (const record of pulled) expect(record.bytes.equals(reader.readRecord(record.physicalOffset) as Buffer)).toBe(true);
    engine.close();
  });
});
