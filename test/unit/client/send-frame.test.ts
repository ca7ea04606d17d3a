// Proves the fast SEND framing: a frame from encodeSendFrame decodes with the generic codec
// (decodeFrame) to exactly the command's extFields, opaque, flag, code and body, for plain,
// batch and retry templates, ASCII and non-ASCII properties (fast-check), and string
// properties; that frames written back to back into one buffer (writeSendFrame, the batcher's
// path) decode the same, stay within sendFrameBytesMax, and carry each command's own
// bornTimestamp (the per-millisecond digit cache), long and non-ASCII values included; that
// SendBatcher hands a tick's frames over as one buffer, in order, large frames without copying
// the body, and keeps order with a flush; that a full chunk is reused only after the transport
// reported every part of it written, so no part still held is overwritten; and that FastUniqKeyGenerator keeps the reference
// generator's format, with each key's own millisecond (its per-millisecond cache included).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SendBatcher } from '../../../src/client/send-batcher.js';
import {
  encodeSendFrame, SendRequestCommand, SendTemplate, sendFrameBytesMax, writeSendFrame,
} from '../../../src/client/send-frame.js';
import type { Connection } from '../../../src/remoting/connection.js';
import { FastUniqKeyGenerator } from '../../../src/client/uniq-key.js';
import { SerializeType } from '../../../src/protocol/command.js';
import { decodeFrame } from '../../../src/protocol/frame.js';
import { written } from '../../../src/remoting/write-hooks.js';
import { uniqKeyTimestampMs } from '../../../src/protocol/message-id.js';

const base = {
  producerGroup: 'pg', topic: 'TopicTest', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 3,
  sysFlag: 0, flag: 0, reconsumeTimes: 0, unitMode: false, batch: false, brokerName: 'broker-a',
};

function roundTrip(command: SendRequestCommand) {
  const frames = encodeSendFrame(command);
  const whole = Buffer.concat(frames);
  expect(whole.readInt32BE(0)).toBe(whole.length - 4);
  return decodeFrame(whole.subarray(4));
}

const propertyText = fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
  .filter((text) => !text.includes('\u0001') && !text.includes('\u0002'));

describe('encodeSendFrame', () => {
  test.prop([fc.dictionary(propertyText, propertyText, { maxKeys: 6 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.constantFrom(base, { ...base, batch: true }, { ...base, topic: '%RETRY%g', maxReconsumeTimes: 16, reconsumeTimes: 2 })])(
    'decodes to the command it encodes',
    (properties, opaque, header) => {
      const command = new SendRequestCommand(new SendTemplate(header), 1_700_000_000_123, properties, Buffer.from('body'));
      command.opaque = opaque;
      command.flag = 2;
      const decoded = roundTrip(command);
      expect(decoded.serializeType).toBe(SerializeType.ROCKETMQ);
      expect([decoded.code, decoded.opaque, decoded.flag]).toEqual([command.code, opaque, 2]);
      expect(decoded.extFields).toEqual(command.extFields);
      expect(decoded.body?.toString()).toBe('body');
    },
  );

  it('writes string properties and empty bodies', () => {
    const command = new SendRequestCommand(new SendTemplate(base), 5, 'WAIT\u0001true', Buffer.alloc(0));
    const decoded = roundTrip(command);
    expect(decoded.extFields?.['i']).toBe('WAIT\u0001true');
    expect(decoded.extFields?.['g']).toBe('5');
    expect(decoded.body).toBeNull();
  });
});

const longText = fc.string({ minLength: 0, maxLength: 200, unit: 'grapheme' })
  .filter((text) => !text.includes('\u0001') && !text.includes('\u0002'));

function decodeAll(data: Buffer) {
  const decoded = [];
  for (let position = 0; position < data.length;) {
    const end = position + 4 + data.readInt32BE(position);
    decoded.push(decodeFrame(data.subarray(position + 4, end)));
    position = end;
  }
  return decoded;
}

describe('writeSendFrame', () => {
  test.prop([fc.array(fc.record({
    properties: fc.dictionary(propertyText, longText, { maxKeys: 4 }),
    born: fc.constantFrom(0, 9, 1_700_000_000_123, 1_700_000_000_124, 99_999_999_999_999),
    body: fc.uint8Array({ maxLength: 64 }),
  }), { minLength: 1, maxLength: 8 })])('writes frames back to back that decode to their commands', (sends) => {
    const target = Buffer.alloc(64 * 1024);
    let position = 0;
    const commands = sends.map((send, index) => {
      const command = new SendRequestCommand(new SendTemplate(base), send.born, send.properties, Buffer.from(send.body));
      command.opaque = -(index + 1);
      const end = writeSendFrame(command, target, position);
      expect(end - position).toBeLessThanOrEqual(sendFrameBytesMax(command));
      position = end;
      return command;
    });
    const decoded = decodeAll(target.subarray(0, position));
    expect(decoded.map((d) => [d.opaque, d.extFields, d.body?.length ?? 0]))
      .toEqual(commands.map((c) => [c.opaque, c.extFields, c.body.length]));
  });
});

class RecordingConnection implements Partial<Connection> {
  readonly writes: Buffer[][] = [];
  writeFrames(frames: readonly Buffer[]): void {
    this.writes.push([...frames]);
  }
}

describe('SendBatcher', () => {
  it('hands one tick of frames over as one buffer, in order; large bodies go by reference after them', async () => {
    const connection = new RecordingConnection();
    const batcher = new SendBatcher(connection as unknown as Connection);
    const command = (opaque: number, body: Buffer): SendRequestCommand => {
      const sent = new SendRequestCommand(new SendTemplate(base), 1_700_000_000_123, { WAIT: 'true' }, body);
      sent.opaque = opaque;
      return sent;
    };
    const large = Buffer.alloc(100 * 1024, 7);
    for (let opaque = 1; opaque <= 100; opaque++) batcher.write(command(opaque, Buffer.from(`m${opaque}`)));
    batcher.write(command(101, large));
    batcher.write(command(102, Buffer.from('after')));
    expect(connection.writes).toHaveLength(2);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(connection.writes).toHaveLength(3);
    expect(connection.writes[0]).toHaveLength(1);
    expect(connection.writes[1]?.[1]).toBe(large);
    const decoded = decodeAll(Buffer.concat(connection.writes.flat()));
    expect(decoded.map((d) => d.opaque)).toEqual(Array.from({ length: 102 }, (_, i) => i + 1));
    expect(decoded[99]?.body?.toString()).toBe('m100');
    batcher.write(command(103, Buffer.from('x')));
    batcher.flush();
    expect(connection.writes).toHaveLength(4);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(connection.writes).toHaveLength(4);
  });

  it('reuses a full chunk only once every part of it is reported written', () => {
    const connection = new RecordingConnection();
    const batcher = new SendBatcher(connection as unknown as Connection);
    const body = Buffer.alloc(8 * 1024, 1);
    let opaque = 0;
    const send = (): void => {
      const sent = new SendRequestCommand(new SendTemplate(base), 1_700_000_000_123, { WAIT: 'true' }, body);
      sent.opaque = ++opaque;
      batcher.write(sent);
      batcher.flush();
    };
    // ~8.3 KiB frames: 31 fill the first 256 KiB chunk; the 32nd opens a second one.
    for (let i = 0; i < 32; i++) send();
    const firstChunkParts = connection.writes.slice(0, -1).map((frames) => frames[0] as Buffer);
    const firstBuffer = firstChunkParts[0]?.buffer;
    expect(firstChunkParts.every((part) => part.buffer === firstBuffer)).toBe(true);
    expect(connection.writes.at(-1)?.[0]?.buffer).not.toBe(firstBuffer);
    for (const part of firstChunkParts.slice(1)) written(part);
    expect(batcher.spareCount).toBe(0);
    const held = Buffer.from(firstChunkParts[0] as Buffer);
    written(firstChunkParts[0] as Buffer);
    expect(batcher.spareCount).toBe(1);
    expect(held.equals(firstChunkParts[0] as Buffer)).toBe(true);
    // Filling the second chunk moves on to the recycled first one.
    const before = connection.writes.length;
    for (let i = 0; i < 31; i++) send();
    expect(connection.writes.slice(before).some((frames) => frames[0]?.buffer === firstBuffer)).toBe(true);
    expect(batcher.spareCount).toBe(0);
    expect(decodeAll(Buffer.concat(connection.writes.slice(before).flat())).map((d) => d.opaque))
      .toEqual(Array.from({ length: 31 }, (_, i) => before + i + 1));
  });

  it('recycles a chunk whose parts were all written before it filled up (a fast socket)', () => {
    const connection = new RecordingConnection();
    const batcher = new SendBatcher(connection as unknown as Connection);
    const body = Buffer.alloc(8 * 1024, 2);
    for (let opaque = 1; opaque <= 100; opaque++) {
      const sent = new SendRequestCommand(new SendTemplate(base), 1_700_000_000_123, { WAIT: 'true' }, body);
      sent.opaque = opaque;
      batcher.write(sent);
      batcher.flush();
      written(connection.writes.at(-1)?.[0] ?? null);
    }
    const buffers = new Set(connection.writes.map((frames) => frames[0]?.buffer));
    expect(buffers.size).toBe(2);
    expect(decodeAll(Buffer.concat(connection.writes.flat().map((part) => Buffer.from(part)))).length).toBe(100);
  });
});

describe('FastUniqKeyGenerator', () => {
  it('produces 32 hex chars, increasing counters and the current time', () => {
    const keys = new FastUniqKeyGenerator({ ipBytes: Uint8Array.from([10, 0, 0, 7]) });
    const nowMs = Date.now();
    const first = keys.next(nowMs);
    const second = keys.next(nowMs);
    expect(first).toMatch(/^0A000007[0-9A-F]{24}$/);
    expect(first.slice(0, 28)).toBe(second.slice(0, 28));
    expect((Number.parseInt(second.slice(28), 16) - Number.parseInt(first.slice(28), 16) + 0x10000) % 0x10000).toBe(1);
    expect(uniqKeyTimestampMs(first, nowMs + 1)).toBe(nowMs);
  });

  it('carries each key\'s own millisecond when the time moves, across a month start too', () => {
    const keys = new FastUniqKeyGenerator({ ipBytes: Uint8Array.from([10, 0, 0, 7]) });
    const monthStartMs = new Date(2026, 10, 1).getTime();
    const times = [monthStartMs - 2, monthStartMs - 1, monthStartMs - 1, monthStartMs, monthStartMs + 5, monthStartMs + 5, monthStartMs + 6];
    for (const nowMs of times) {
      const key = keys.next(nowMs);
      expect(key).toMatch(/^0A000007[0-9A-F]{24}$/);
      expect(uniqKeyTimestampMs(key, nowMs + 1)).toBe(nowMs);
    }
  });
});
