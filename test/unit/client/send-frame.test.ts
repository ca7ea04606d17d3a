// Proves the fast SEND framing: a frame from encodeSendFrame decodes with the generic codec
// (decodeFrame) to exactly the command's extFields, opaque, flag, code and body, for plain,
// batch and retry templates, ASCII and non-ASCII properties (fast-check), and string
// properties; and that FastUniqKeyGenerator keeps the reference generator's format.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { encodeSendFrame, SendRequestCommand, SendTemplate } from '../../../src/client/send-frame.js';
import { FastUniqKeyGenerator } from '../../../src/client/uniq-key.js';
import { SerializeType } from '../../../src/protocol/command.js';
import { decodeFrame } from '../../../src/protocol/frame.js';
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
});
