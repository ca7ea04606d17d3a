// Proves the consumer's lazy record decode (src/client/pulled-message.ts, through
// decodePulledMessages) gives exactly what the eager decoder gives: golden records encoded by
// src/protocol's record codec (IPv4 and IPv6 hosts, a compressed body, a retry-topic record,
// a record whose topic differs from the queue's, properties with and without UNIQ_KEY) are
// compared field by field, in every read order, with `toMessageExt` (the eager MessageExt) and
// the protocol's DecodedRecord; writes to the lazy fields stick; CONSUME_START_TIME set before
// or after the properties are read lands in the map; JSON shows the same fields as an eager
// MessageExt; `tagsOf` reads TAGS without building the map; a malformed record still throws,
// and so does one whose lazily read 64-bit numbers exceed 2^53; numbers written to them stick.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MessageExt, MessageProperty } from '../../../src/client/message.js';
import { decodePulledMessages, toMessageExt } from '../../../src/client/message-decode.js';
import { pulledProperty, tagsOf } from '../../../src/client/pulled-message.js';
import { encodeRecord, type RecordFields } from '../../../src/protocol/record.js';
import { decodeRecord } from '../../../src/protocol/record-decode.js';
import { RecordPosition, SysFlag } from '../../../src/protocol/record-layout.js';

const BASE: RecordFields = {
  topic: 'TopicTest', body: Buffer.from('hello'),
  properties: 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u00010A000005000012340000000000000001',
  queueId: 1, flag: 3, sysFlag: 0, bornTimestampMs: 1_700_000_000_123, bornHost: '10.0.0.5:53211',
  reconsumeTimes: 2, preparedTransactionOffset: 9, queueOffset: 7, physicalOffset: 0x1_0000_0012,
  storeTimestampMs: 1_700_000_000_456, storeHost: '10.0.0.1:10911',
};

const COMPRESSED_BODY = Buffer.alloc(5000, 'z');

const GOLDEN: RecordFields[] = [
  BASE,
  { ...BASE, queueOffset: 8, properties: 'TAGS\u0001TagB' },
  { ...BASE, queueOffset: 9, properties: '' },
  {
    ...BASE, queueOffset: 10, sysFlag: SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6,
    bornHost: 'fe80:0:0:0:0:0:0:1:9', storeHost: '2001:db8:0:0:0:0:0:2:10911',
  },
  { ...BASE, queueOffset: 11, sysFlag: SysFlag.COMPRESSED | SysFlag.COMPRESSION_ZLIB, body: deflateSync(COMPRESSED_BODY) },
  { ...BASE, queueOffset: 12, topic: 'OtherTopic' },
  { ...BASE, queueOffset: 13, topic: 'TopicTesu' },
];

/** Every field a MessageExt shows, read in the given order. */
function fieldsOf(message: MessageExt, reverse: boolean): Record<string, unknown> {
  const names = [
    'topic', 'flag', 'transactionId', 'msgId', 'brokerName', 'queueId', 'queueOffset', 'commitLogOffset',
    'storeSize', 'bodyCRC', 'sysFlag', 'bornTimestamp', 'bornHost', 'storeTimestamp', 'storeHost',
    'reconsumeTimes', 'preparedTransactionOffset', 'offsetMsgId', 'tags', 'keys',
  ] as const;
  const fields: Record<string, unknown> = {};
  for (const name of reverse ? [...names].reverse() : names) fields[name] = message[name];
  fields['body'] = message.body.toString('hex');
  fields['properties'] = { ...message.properties };
  return fields;
}

function eager(fields: RecordFields): MessageExt {
  const message = toMessageExt(decodeRecord(encodeRecord(fields), 0), 'broker-a');
  message.properties[MessageProperty.MIN_OFFSET] = '0';
  message.properties[MessageProperty.MAX_OFFSET] = '100';
  return message;
}

function pulled(): MessageExt[] {
  const body = Buffer.concat(GOLDEN.map((fields) => encodeRecord(fields)));
  return decodePulledMessages(body, 'broker-a', 0, 100, 'TopicTest');
}

describe('lazily decoded pulled messages', () => {
  it('give every field the eager decoder gives, in any read order', () => {
    for (const reverse of [false, true]) {
      const messages = pulled();
      expect(messages).toHaveLength(GOLDEN.length);
      GOLDEN.forEach((fields, index) => {
        const message = messages[index]!;
        expect(message).toBeInstanceOf(MessageExt);
        expect(fieldsOf(message, reverse)).toEqual(fieldsOf(eager(fields), reverse));
        const record = decodeRecord(encodeRecord(fields), 0);
        expect(message.topic).toBe(record.topic);
        expect(message.msgId).toBe(record.msgId);
      });
    }
    expect(pulled()[4]!.body).toEqual(COMPRESSED_BODY);
  });

  it('keep what is written to their fields and properties', () => {
    const message = pulled()[0]!;
    message.topic = 'Renamed';
    message.msgId = 'M';
    message.bornHost = '1.2.3.4:5';
    message.storeHost = '5.6.7.8:9';
    message.offsetMsgId = 'X';
    message.putUserProperty('color', 'red');
    message.tags = 'TagZ';
    expect([message.topic, message.msgId, message.bornHost, message.storeHost, message.offsetMsgId])
      .toEqual(['Renamed', 'M', '1.2.3.4:5', '5.6.7.8:9', 'X']);
    expect(message.properties['color']).toBe('red');
    expect(message.tags).toBe('TagZ');
    expect(tagsOf(message)).toBe('TagZ');
  });

  it('keep numbers written to the 64-bit fields read on use', () => {
    const message = pulled()[0]!;
    expect(message.bornTimestamp).toBe(BASE.bornTimestampMs);
    message.commitLogOffset = 11;
    message.bornTimestamp = 22;
    message.storeTimestamp = 33;
    message.preparedTransactionOffset = 44;
    expect([message.commitLogOffset, message.bornTimestamp, message.storeTimestamp, message.preparedTransactionOffset])
      .toEqual([11, 22, 33, 44]);
  });

  it('fail the decode of a record whose 64-bit numbers exceed 2^53, as the eager decoder does', () => {
    const record = encodeRecord(BASE);
    record.writeInt32BE(0x7fffffff, RecordPosition.BORN_TIMESTAMP);
    expect(() => decodePulledMessages(record, 'broker-a', 0, 100, 'TopicTest')).toThrow(/2\^53/);
  });

  it('put CONSUME_START_TIME in the map whether it is set before or after the map is read', () => {
    const [before, after] = pulled();
    before!.setConsumeStartTime('111');
    expect(before!.properties[MessageProperty.CONSUME_START_TIME]).toBe('111');
    expect(Object.keys(before!.properties).at(-1)).toBe(MessageProperty.CONSUME_START_TIME);
    expect(after!.properties[MessageProperty.MIN_OFFSET]).toBe('0');
    after!.setConsumeStartTime('222');
    expect(after!.properties[MessageProperty.CONSUME_START_TIME]).toBe('222');
    const plain = new MessageExt('T', Buffer.from('x'));
    plain.setConsumeStartTime('333');
    expect(plain.properties[MessageProperty.CONSUME_START_TIME]).toBe('333');
  });

  it('read one property without the map, and from the map once it exists', () => {
    const message = pulled()[0]!;
    expect(tagsOf(message)).toBe('TagA');
    expect(pulledProperty(message, MessageProperty.KEYS)).toBe('k1 k2');
    expect(pulledProperty(message, MessageProperty.MIN_OFFSET)).toBeUndefined();
    message.properties['X'] = 'y';
    expect(pulledProperty(message, 'X')).toBe('y');
    expect(pulledProperty(message, MessageProperty.MIN_OFFSET)).toBe('0');
    expect(tagsOf(pulled()[2]!)).toBeUndefined();
  });

  it('show the same JSON as an eager MessageExt', () => {
    const lazy = JSON.parse(JSON.stringify(pulled()[3])) as Record<string, unknown>;
    const reference = JSON.parse(JSON.stringify(eager(GOLDEN[3]!))) as Record<string, unknown>;
    expect(lazy).toEqual(reference);
    expect(Object.keys(lazy)).toEqual(Object.keys(reference));
    expect(String(pulled()[3])).toBe(String(eager(GOLDEN[3]!)));
  });

  it('still refuse a malformed record', () => {
    const body = encodeRecord(BASE);
    body.writeInt32BE(body.length + 10, 0);
    expect(() => decodePulledMessages(body, 'broker-a', 0, 1, 'TopicTest')).toThrow(/out of range/);
  });
});
