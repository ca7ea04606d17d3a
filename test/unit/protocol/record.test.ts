// Proves the record codec: encode -> decode returns every field (IPv4 and IPv6 hosts), the
// stored CRC is crc32(body) & 0x7fffffff and verifyRecordCrc catches a flipped body byte,
// stampRecord fills offsets/store time/host in place, encoding into a target writes exactly
// recordBytesFor() bytes, decodeRecords walks back-to-back records and stops at a blank or a
// zero tail, and malformed records throw ERR_RECORD_MALFORMED.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeHost } from '../../../src/protocol/host-address.js';
import { encodeRecord, recordBytesFor, type RecordFields, stampRecord, writeBlankRecord } from '../../../src/protocol/record.js';
import { decodeRecord, decodeRecords, recordKindAt, verifyRecordCrc } from '../../../src/protocol/record-decode.js';
import { SysFlag } from '../../../src/protocol/record-layout.js';

const FIELDS: RecordFields = {
  topic: 'TopicTest', body: Buffer.from('Hello RocketMQ'), properties: 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2',
  queueId: 3, flag: 7, sysFlag: 0, bornTimestampMs: 1_700_000_000_123, bornHost: '10.0.0.5:53211',
  reconsumeTimes: 2, preparedTransactionOffset: 99, queueOffset: 42, physicalOffset: 0x1_0000_0012,
  storeTimestampMs: 1_700_000_000_456, storeHost: '10.0.0.1:10911',
};

describe('record codec', () => {
  it('round-trips every field with IPv4 hosts', () => {
    const bytes = encodeRecord(FIELDS);
    expect(bytes.length).toBe(recordBytesFor(FIELDS));
    const record = decodeRecord(bytes, 0).toMessageExt();
    expect(record).toMatchObject({
      totalSize: bytes.length, queueId: 3, flag: 7, sysFlag: 0, queueOffset: 42, physicalOffset: 0x1_0000_0012,
      bornTimestampMs: 1_700_000_000_123, bornHost: '10.0.0.5:53211', storeTimestampMs: 1_700_000_000_456,
      storeHost: '10.0.0.1:10911', reconsumeTimes: 2, preparedTransactionOffset: 99, topic: 'TopicTest',
      properties: { TAGS: 'TagA', KEYS: 'k1 k2' }, bodyCrc: crc32(FIELDS.body) & 0x7fffffff,
      offsetMsgId: '0A00000100002A9F0000000100000012', msgId: '0A00000100002A9F0000000100000012',
    });
    expect(record.body.equals(FIELDS.body)).toBe(true);
    const decoded = decodeRecord(bytes);
    expect(decoded.tags).toBe('TagA');
    expect(decoded.keys).toEqual(['k1', 'k2']);
  });

  it('round-trips IPv6 hosts and sets the V6 sysFlag bits from them', () => {
    const fields = { ...FIELDS, bornHost: '[::1]:53211', storeHost: 'fe80::1:2:10911' };
    const bytes = encodeRecord(fields);
    expect(bytes.length).toBe(recordBytesFor(FIELDS) + 24);
    const record = decodeRecord(bytes);
    expect(record.sysFlag).toBe(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6);
    expect(record.bornHost).toBe('0:0:0:0:0:0:0:1:53211');
    expect(record.storeHost).toBe('fe80:0:0:0:0:0:1:2:10911');
    expect(record.offsetMsgId).toHaveLength(56);
  });

  it('encodes into a target at a position and writes nothing else', () => {
    const size = recordBytesFor(FIELDS);
    const target = Buffer.alloc(size + 20, 0xee);
    expect(encodeRecord(FIELDS, target, 10)).toBe(size);
    expect(target.subarray(0, 10).every((byte) => byte === 0xee)).toBe(true);
    expect(target.subarray(10 + size).every((byte) => byte === 0xee)).toBe(true);
    expect(target.subarray(10, 10 + size).equals(encodeRecord(FIELDS))).toBe(true);
    expect(() => encodeRecord(FIELDS, target, 30)).toThrow(expect.objectContaining({ code: 'ERR_RECORD_MALFORMED' }));
  });

  it('stamps offsets, store time and host in place', () => {
    const { queueOffset: _q, physicalOffset: _p, storeTimestampMs: _s, storeHost: _h, ...blank } = FIELDS;
    const bytes = encodeRecord(blank);
    expect(decodeRecord(bytes).storeHost).toBe('0.0.0.0:0');
    stampRecord(bytes, 0, { queueOffset: 5, physicalOffset: 1024, storeTimestampMs: 77, storeHost: encodeHost('1.2.3.4:5') });
    const record = decodeRecord(bytes);
    expect([record.queueOffset, record.physicalOffset, record.storeTimestampMs, record.storeHost])
      .toEqual([5, 1024, 77, '1.2.3.4:5']);
  });

  it('verifies the body CRC', () => {
    const bytes = encodeRecord(FIELDS);
    expect(() => verifyRecordCrc(bytes)).not.toThrow();
    bytes[90] = (bytes[90] as number) ^ 1;
    expect(() => verifyRecordCrc(bytes)).toThrow(expect.objectContaining({ code: 'ERR_RECORD_CRC' }));
  });

  it('walks records back to back and stops at a blank record or a zero tail', () => {
    const one = encodeRecord(FIELDS);
    const two = encodeRecord({ ...FIELDS, queueOffset: 43, body: Buffer.alloc(0), properties: '' });
    const blank = Buffer.alloc(16);
    writeBlankRecord(blank, 0, 16);
    expect(recordKindAt(blank, 0)).toBe('blank');
    const body = Buffer.concat([one, two, blank, one]);
    expect(decodeRecords(body).map((record) => record.queueOffset)).toEqual([42, 43]);
    expect(decodeRecords(Buffer.concat([one, Buffer.alloc(40)]))).toHaveLength(1);
    expect(decodeRecords(Buffer.concat([one, two])).map((record) => record.propertiesText))
      .toEqual([FIELDS.properties, '']);
  });

  it('refuses malformed records', () => {
    const bytes = encodeRecord(FIELDS);
    const cases: Buffer[] = [
      bytes.subarray(0, 50),
      bytes.subarray(0, bytes.length - 1),
      Buffer.concat([bytes.subarray(0, 4), Buffer.from([1, 2, 3, 4]), bytes.subarray(8)]),
    ];
    const badBodyLength = Buffer.from(bytes);
    badBodyLength.writeInt32BE(1000, 84);
    cases.push(badBodyLength);
    const badProps = Buffer.from(bytes);
    badProps.writeInt16BE(-1, bytes.length - FIELDS.properties.toString().length - 2);
    cases.push(badProps);
    for (const bad of cases) {
      expect(() => decodeRecord(bad)).toThrow(expect.objectContaining({ code: 'ERR_RECORD_MALFORMED' }));
    }
  });

  it('refuses a topic over 127 bytes and properties over 32767 bytes', () => {
    expect(() => encodeRecord({ ...FIELDS, topic: 'x'.repeat(128) }))
      .toThrow(expect.objectContaining({ code: 'ERR_RECORD_MALFORMED' }));
    expect(() => encodeRecord({ ...FIELDS, properties: `A\u0001${'v'.repeat(32766)}` }))
      .toThrow(expect.objectContaining({ code: 'ERR_RECORD_MALFORMED' }));
  });
});
