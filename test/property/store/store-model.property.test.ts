// Model-based test (STYLE §10, Redpanda opfuzz): random sequences of Append, ReadBack,
// ReadRecord, Flush (checkpoint), Restart (clean), Crash (abort left, nothing lost from the page
// cache), CrashAtByte (the commit log torn at a random byte past the last checkpoint) and
// Truncate (retention deletes the oldest segment) run against the real engine on real files and
// against a plain in-memory model; after every command queue min/max offsets must agree, and
// reads must return exactly the model's records. The seed is printed; SEED=<n> replays it.
import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/log.js';
import { RecordPosition } from '../../../src/protocol/record-layout.js';
import { testMinStoreConfig, type StoreConfig } from '../../../src/store/config.js';
import { StoreEngine } from '../../../src/store/engine.js';
import { listOffsetFiles, nodeFileIo, offsetFileName } from '../../../src/store/file-io.js';
import { StoreReader } from '../../../src/store/reader.js';
import { readI64, recordFields } from '../../../src/store/record-access.js';
import { runRetention } from '../../../src/store/retention.js';
import { bodyOf, buildRecord } from '../../unit/store/record-builder.js';

const SEGMENT_BYTES = 4096;
const QUEUES = [['A', 0], ['A', 1], ['B', 0]] as const;

interface ModelRecord { id: number; physicalOffset: number; size: number }
interface Model {
  queues: ModelRecord[][];
  nextId: number;
  /** Commit-log bytes a checkpoint proved durable: a torn crash never cuts below this. */
  durableEnd: number;
  end: number;
}
interface Real {
  dir: string;
  config: StoreConfig;
  clock: FakeClock;
  engine: StoreEngine;
  reader: StoreReader;
}

function reopen(real: Real): void {
  real.reader.close();
  real.engine = StoreEngine.open(real.config, silentLogger, real.clock);
  real.reader = new StoreReader(real.engine.readerPort());
}

function checkBounds(model: Model, real: Real): void {
  QUEUES.forEach(([topic, queueId], index) => {
    const records = model.queues[index] as ModelRecord[];
    const minPhysical = firstSegment(real);
    const live = records.filter((record) => record.physicalOffset >= minPhysical);
    expect(real.reader.maxOffset(topic, queueId)).toBe(records.length);
    expect(real.reader.minOffset(topic, queueId)).toBe(records.length - live.length);
  });
}

function firstSegment(real: Real): number {
  return listOffsetFiles(nodeFileIo, join(real.dir, 'commitlog'))[0] ?? 0;
}

class Append implements fc.Command<Model, Real> {
  constructor(readonly queue: number, readonly count: number, readonly bodyBytes: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const [topic, queueId] = QUEUES[this.queue]!;
    const ids = Array.from({ length: this.count }, () => model.nextId++);
    const records = ids.map((id) => buildRecord({ topic, queueId, body: bodyOf(id, this.bodyBytes), keys: `id${id}` }));
    real.clock.advanceMs(5);
    const result = real.engine.append(Buffer.concat(records), ids.map(() => 0));
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const queue = model.queues[this.queue] as ModelRecord[];
    expect(result.queueOffset).toBe(queue.length);
    let physicalOffset = result.physicalOffset;
    records.forEach((record, i) => {
      queue.push({ id: ids[i]!, physicalOffset, size: record.length });
      physicalOffset += record.length;
    });
    model.end = physicalOffset;
    checkBounds(model, real);
  }
  toString(): string { return `Append(q${this.queue} x${this.count} ${this.bodyBytes}B)`; }
}

class ReadBack implements fc.Command<Model, Real> {
  constructor(readonly queue: number, readonly fromFraction: number, readonly maxCount: number) {}
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    const [topic, queueId] = QUEUES[this.queue]!;
    const records = model.queues[this.queue] as ModelRecord[];
    const min = real.reader.minOffset(topic, queueId);
    const from = min + Math.floor(this.fromFraction * (records.length - min));
    const got = real.reader.getMessages(topic, queueId, from, this.maxCount, 1 << 20);
    const expected = records.slice(from, from + this.maxCount);
    if (expected.length === 0) {
      expect(got.messageCount).toBe(0);
      return;
    }
    expect(got.status).toBe('FOUND');
    expect(got.messageCount).toBe(expected.length);
    let position = 0;
    expected.forEach((record, i) => {
      const size = got.body.readInt32BE(position);
      expect(size).toBe(record.size);
      const fields = recordFields(got.body, position, size)!;
      expect(got.body.subarray(fields.bodyStart, fields.bodyEnd)).toEqual(bodyOf(record.id, fields.bodyEnd - fields.bodyStart));
      expect(readI64(got.body, position + RecordPosition.QUEUE_OFFSET)).toBe(from + i);
      expect(readI64(got.body, position + RecordPosition.PHYSICAL_OFFSET)).toBe(record.physicalOffset);
      position += size;
    });
  }
  toString(): string { return `ReadBack(q${this.queue} @${this.fromFraction.toFixed(2)} max ${this.maxCount})`; }
}

class ReadByKey implements fc.Command<Model, Real> {
  constructor(readonly queue: number, readonly pickFraction: number) {}
  check(model: Model): boolean { return (model.queues[this.queue] as ModelRecord[]).length > 0; }
  run(model: Model, real: Real): void {
    const records = model.queues[this.queue] as ModelRecord[];
    const record = records[Math.floor(this.pickFraction * records.length)]!;
    const [topic] = QUEUES[this.queue]!;
    const found = real.reader.queryByKey(topic, `id${record.id}`, 4, 0, Number.MAX_SAFE_INTEGER);
    const live = record.physicalOffset >= firstSegment(real);
    expect(found.physicalOffsets).toEqual(live ? [record.physicalOffset] : []);
  }
  toString(): string { return `ReadByKey(q${this.queue} @${this.pickFraction.toFixed(2)})`; }
}

class Flush implements fc.Command<Model, Real> {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    real.engine.checkpoint();
    model.durableEnd = model.end;
  }
  toString(): string { return 'Flush'; }
}

class Restart implements fc.Command<Model, Real> {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    real.engine.close();
    model.durableEnd = model.end;
    reopen(real);
    expect(real.engine.recovery.abnormal).toBe(false);
    checkBounds(model, real);
  }
  toString(): string { return 'Restart'; }
}

class Crash implements fc.Command<Model, Real> {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    real.engine.abandon();
    reopen(real);
    expect(real.engine.recovery.abnormal).toBe(true);
    checkBounds(model, real);
  }
  toString(): string { return 'Crash'; }
}

class CrashAtByte implements fc.Command<Model, Real> {
  constructor(readonly cutFraction: number) {}
  check(model: Model): boolean { return model.end > model.durableEnd; }
  run(model: Model, real: Real): void {
    // Only bytes no checkpoint vouched for can be lost, and only in segments that still exist.
    const lowest = Math.max(model.durableEnd, firstSegment(real));
    if (lowest >= model.end) return;
    real.engine.abandon();
    const cut = lowest + Math.floor(this.cutFraction * (model.end - lowest));
    const cutBase = cut - (cut % SEGMENT_BYTES);
    const commitLogDir = join(real.dir, 'commitlog');
    for (const base of listOffsetFiles(nodeFileIo, commitLogDir)) {
      if (base > cutBase) rmSync(join(commitLogDir, offsetFileName(base)));
    }
    truncateSync(join(commitLogDir, offsetFileName(cutBase)), cut - cutBase);
    for (const queue of model.queues) {
      while (queue.length > 0 && queue[queue.length - 1]!.physicalOffset + queue[queue.length - 1]!.size > cut) queue.pop();
    }
    model.end = Math.max(0, ...model.queues.flat().map((record) => record.physicalOffset + record.size));
    reopen(real);
    checkBounds(model, real);
  }
  toString(): string { return `CrashAtByte(${this.cutFraction.toFixed(3)})`; }
}

class Truncate implements fc.Command<Model, Real> {
  check(): boolean { return true; }
  run(model: Model, real: Real): void {
    runRetention(real.engine.writer, silentLogger, real.clock.nowMs(), true);
    checkBounds(model, real);
  }
  toString(): string { return 'Truncate'; }
}

const commands = [
  fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 900 }))
    .map(([queue, count, bodyBytes]) => new Append(queue, count, bodyBytes)),
  fc.tuple(fc.nat({ max: 2 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 40 }))
    .map(([queue, from, max]) => new ReadBack(queue, from, max)),
  fc.tuple(fc.nat({ max: 2 }), fc.double({ min: 0, max: 0.999, noNaN: true })).map(([queue, pick]) => new ReadByKey(queue, pick)),
  fc.constant(new Flush()),
  fc.constant(new Restart()),
  fc.constant(new Crash()),
  fc.double({ min: 0, max: 1, noNaN: true }).map((fraction) => new CrashAtByte(fraction)),
  fc.constant(new Truncate()),
];

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('store against an in-memory model', () => {
  it('agrees on every command sequence', () => {
    const seed = process.env.SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.SEED);
    console.log(`store model seed: ${seed} (replay with SEED=${seed})`);
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (sequence) => {
        const dir = mkdtempSync(join(tmpdir(), 'petrel-model-'));
        roots.push(dir);
        const config = testMinStoreConfig(dir, { mappedFileSizeCommitLog: SEGMENT_BYTES, mappedFileSizeConsumeQueue: 20 * 16 });
        const clock = new FakeClock(1_700_000_000_000);
        const engine = StoreEngine.open(config, silentLogger, clock);
        const real: Real = { dir, config, clock, engine, reader: new StoreReader(engine.readerPort()) };
        const model: Model = { queues: QUEUES.map(() => []), nextId: 0, durableEnd: 0, end: 0 };
        try {
          fc.modelRun(() => ({ model, real }), sequence);
        } finally {
          real.reader.close();
          real.engine.abandon();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { seed, numRuns: Number(process.env.SOAK === '1' ? 500 : 40) },
    );
  });
});
