// Proves the SAB rings and the producer's side of the protocol without a store worker: entries
// wrap without splitting, a full ring or too many appends in flight answer 'busy' at once,
// completions written by the "worker" side are delivered in order, all of them per wake-up;
// quietly published completions wake the producer only when many, old or forced; appendEncoded
// (records encoded straight into the ring) leaves exactly the entries append would.
import { describe, expect, it } from 'vitest';
import { indexKeyHashesOf } from '../../../src/store/index-file.js';
import { StoreProducer, type ProducerPort } from '../../../src/store/producer.js';
import {
  CompletionCode, CompletionRingWriter, ENTRY_HEADER_BYTES, RequestRingReader, RequestRingWriter,
  createCompletionRingBuffer, createRequestRingBuffer, requestEntryBytes,
} from '../../../src/store/ring.js';
import { Health, SharedState } from '../../../src/store/shared-state.js';
import type { AppendResult } from '../../../src/store/types.js';
import { bodyOf, buildRecord } from './record-builder.js';

describe('request ring', () => {
  it('carries variable entries in order across many wraps and never splits one', () => {
    const buffer = createRequestRingBuffer(4096);
    const writer = new RequestRingWriter(buffer);
    const reader = new RequestRingReader(buffer);
    let written = 0;
    let read = 0;
    for (let round = 0; round < 2000; round++) {
      const size = requestEntryBytes(1, 1 + ((round * 37) % 900));
      const at = writer.reserve(size);
      if (at >= 0) {
        expect(at + size).toBeLessThanOrEqual(writer.capacity);
        writer.words[at >> 2] = size;
        writer.words[(at >> 2) + 1] = written++;
        writer.commit(size);
      }
      if (round % 3 !== 0) {
        const head = reader.peek();
        if (head >= 0) {
          expect(reader.words[(head >> 2) + 1]).toBe(read++);
          reader.release(reader.entryBytes(head));
        }
      }
    }
    for (let head = reader.peek(); head >= 0; head = reader.peek()) {
      expect(reader.words[(head >> 2) + 1]).toBe(read++);
      reader.release(reader.entryBytes(head));
    }
    expect(read).toBe(written);
    expect(written).toBeGreaterThan(500);
  });

  it('refuses an entry when full and accepts it again after the consumer frees space', () => {
    const buffer = createRequestRingBuffer(1024);
    const writer = new RequestRingWriter(buffer);
    const reader = new RequestRingReader(buffer);
    const size = ENTRY_HEADER_BYTES + 8 + 240;
    let accepted = 0;
    for (let at = writer.reserve(size); at >= 0; at = writer.reserve(size)) {
      writer.words[at >> 2] = 0;
      writer.commit(size);
      accepted++;
    }
    expect(accepted).toBe(Math.floor(1024 / size));
    expect(reader.entryBytes(reader.peek())).toBe(0);
    reader.release(size);
    expect(writer.reserve(size)).toBeGreaterThanOrEqual(0);
  });
});

function port(slots = 16, ringBytes = 64 * 1024): ProducerPort {
  const shared = SharedState.create(16);
  return {
    kind: 'petrel-store-producer', producerIndex: 0, control: shared.buffer,
    requests: createRequestRingBuffer(ringBytes), completions: createCompletionRingBuffer(slots),
    queueSlotsMax: 16, bodyBytesMax: 4096, appendBytesMax: 8000, syncFlush: false, behindBytesMax: 1 << 20,
  };
}

describe('StoreProducer', () => {
  it('answers busy at once when the ring is full or too many appends are in flight', () => {
    const record = buildRecord({ topic: 'T', queueId: 0, body: bodyOf(1, 3000) });
    const smallRing = new StoreProducer(port(1024, 16 * 1024));
    const statuses = Array.from({ length: 8 }, () => smallRing.append(record, 0, () => undefined));
    expect(statuses.slice(0, 5)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
    expect(statuses.at(-1)).toBe('busy');
    const fewSlots = new StoreProducer(port(4));
    const small = buildRecord({ topic: 'T', queueId: 0, body: bodyOf(1, 10) });
    expect(Array.from({ length: 5 }, () => fewSlots.append(small, 0, () => undefined))).toEqual(['queued', 'queued', 'queued', 'queued', 'busy']);
  });

  it('refuses too-large bodies and a store that is not writable', () => {
    const ports = port();
    const producer = new StoreProducer(ports);
    expect(producer.append(buildRecord({ topic: 'T', queueId: 0, body: bodyOf(1, 5000) }), 0, () => undefined)).toBe('too-large');
    new SharedState(ports.control, 16).setHealth(Health.DISK_FULL);
    expect(producer.append(buildRecord({ topic: 'T', queueId: 0, body: bodyOf(1, 5) }), 0, () => undefined)).toBe('not-writable');
  });

  it('delivers completions in append order, all available ones per wake-up', async () => {
    const ports = port(64);
    const producer = new StoreProducer(ports);
    const requests = new RequestRingReader(ports.requests);
    const completions = new CompletionRingWriter(ports.completions);
    const delivered: { index: number; result: AppendResult; tick: number }[] = [];
    let tick = 0;
    const batch = Buffer.concat([0, 1, 2].map((i) => buildRecord({ topic: 'T', queueId: 3, body: bodyOf(i, 20 + i) })));
    for (let i = 0; i < 10; i++) {
      const records = i === 9 ? batch : buildRecord({ topic: 'T', queueId: 3, body: bodyOf(i, 20) });
      expect(producer.append(records, i === 9 ? [7, 8, 9] : i, (result) => delivered.push({ index: i, result, tick }))).toBe('queued');
    }
    for (let at = requests.peek(), sequence = 0; at >= 0; at = requests.peek(), sequence++) {
      expect(requests.words[(at >> 2) + 1]).toBe(sequence);
      const count = requests.words[(at >> 2) + 2] as number;
      completions.push(sequence, CompletionCode.OK, count, 1000 * sequence, sequence, 42);
      requests.release(requests.entryBytes(at));
    }
    completions.publish();
    await new Promise((resolve) => setTimeout(resolve, 20));
    tick++;
    expect(delivered.map((item) => item.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(delivered.map((item) => item.tick))).toEqual(new Set([0]));
    const last = delivered[9]!.result;
    expect(last.physicalOffsets).toEqual([9000, 9000 + buildRecord({ topic: 'T', queueId: 3, body: bodyOf(0, 20) }).length, expect.any(Number)]);
    expect(last).toMatchObject({ status: 'ok', queueOffset: 9, recordCount: 3, storeTimestampMs: 42 });
    expect(producer.pendingCount).toBe(0);
  });

  it('never loses a wake-up when a callback appends after more completions were published', async () => {
    const ports = port(64);
    const producer = new StoreProducer(ports);
    const completions = new CompletionRingWriter(ports.completions);
    const record = buildRecord({ topic: 'T', queueId: 0, body: bodyOf(1, 10) });
    const delivered: number[] = [];
    producer.append(record, 0, () => {
      delivered.push(0);
      // The "worker" publishes completion 1 while completion 0's callback runs, then the
      // callback appends again, which re-arms the wait: completion 1 must still be delivered.
      completions.push(1, CompletionCode.OK, 1, 200, 1, 5);
      completions.publish();
      producer.append(record, 0, () => delivered.push(2));
    });
    producer.append(record, 0, () => delivered.push(1));
    completions.push(0, CompletionCode.OK, 1, 100, 0, 5);
    completions.publish();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(delivered).toEqual([0, 1]);
    expect(producer.pendingCount).toBe(1);
  });

  it('appendEncoded writes the same ring entry as append, and queues nothing for too-large records', () => {
    const single = buildRecord({ topic: 'T', queueId: 2, body: bodyOf(1, 40), uniqueKey: 'u1' });
    const batch = Buffer.concat([0, 1].map((i) => buildRecord({ topic: 'T', queueId: 2, body: bodyOf(i, 30 + i) })));
    const viaAppend = port();
    const viaEncode = port();
    const appender = new StoreProducer(viaAppend);
    const encoder = new StoreProducer(viaEncode);
    const hashes = indexKeyHashesOf('T', 'u1', undefined);
    expect(appender.append(single, 5, () => undefined, hashes)).toBe('queued');
    expect(appender.append(batch, [6, 7], () => undefined)).toBe('queued');
    const tooLarge = buildRecord({ topic: 'T', queueId: 2, body: bodyOf(1, 5000) });
    expect(encoder.appendEncoded(tooLarge.length, 1, (target) => tooLarge.copy(target), 0, () => undefined)).toBe('too-large');
    expect(encoder.appendEncoded(single.length, 1, (target) => single.copy(target), 5, () => undefined, hashes)).toBe('queued');
    expect(() => encoder.appendEncoded(10, 1, () => { throw new Error('encoder failed'); }, 0, () => undefined)).toThrow('encoder failed');
    expect(encoder.appendEncoded(batch.length, 2, (target) => batch.copy(target), [6, 7], () => undefined)).toBe('queued');
    expect(encoder.pendingCount).toBe(2);
    const entries = (buffer: SharedArrayBuffer): Buffer[] => {
      const reader = new RequestRingReader(buffer);
      const found: Buffer[] = [];
      for (let at = reader.peek(); at >= 0; at = reader.peek()) {
        // Everything but the alignment padding after the records (its bytes are unspecified).
        const recordsEnd = at + ENTRY_HEADER_BYTES + 8 * reader.words[(at >> 2) + 2]! + reader.words[(at >> 2) + 3]!;
        const keysStart = at + ENTRY_HEADER_BYTES + 8 * reader.words[(at >> 2) + 2]! + ((reader.words[(at >> 2) + 3]! + 7) & ~7);
        const entryEnd = at + reader.entryBytes(at);
        found.push(Buffer.concat([reader.bytes.subarray(at, recordsEnd), reader.bytes.subarray(keysStart, entryEnd)]));
        reader.release(reader.entryBytes(at));
      }
      return found;
    };
    const expected = entries(viaAppend.requests);
    expect(expected).toHaveLength(2);
    expect(entries(viaEncode.requests)).toEqual(expected);
  });

  it('wakes the producer for quietly published completions only when many, old or forced', async () => {
    const ports = port(64);
    const producer = new StoreProducer(ports);
    const completions = new CompletionRingWriter(ports.completions);
    const record = buildRecord({ topic: 'T', queueId: 0, body: bodyOf(1, 10) });
    const delivered: number[] = [];
    for (let i = 0; i < 3; i++) producer.append(record, 0, () => delivered.push(i));
    const settle = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 20));
    completions.push(0, CompletionCode.OK, 1, 100, 0, 5);
    completions.publishQuietly(1000);
    completions.notify(false, 1000, 2, 5);
    await settle();
    expect(completions.quietCount).toBe(1);
    expect(delivered).toEqual([]);
    completions.notify(false, 1005, 2, 5); // the oldest waited maxDelayMs
    await settle();
    expect(delivered).toEqual([0]);
    completions.push(1, CompletionCode.OK, 1, 200, 1, 5);
    completions.publishQuietly(2000);
    completions.push(2, CompletionCode.OK, 1, 300, 2, 5);
    completions.publishQuietly(2000);
    completions.notify(false, 2000, 2, 5); // two waiting: enough
    await settle();
    expect(delivered).toEqual([0, 1, 2]);
    expect(completions.quietCount).toBe(0);
    producer.append(record, 0, () => delivered.push(3));
    completions.push(3, CompletionCode.OK, 1, 400, 3, 5);
    completions.publishQuietly(3000);
    completions.notify(true, 3000, 100, 100);
    await settle();
    expect(delivered).toEqual([0, 1, 2, 3]);
  });
});
