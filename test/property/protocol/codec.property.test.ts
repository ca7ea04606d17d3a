// Round-trip properties (fast-check) for every codec in src/protocol: remoting commands with
// both header types through encodeCommand/decodeFrame and a randomly chunked FrameDecoder;
// typed headers (SEND_MESSAGE_V2 short keys, long keys, PULL, a declarative one); records with
// IPv4/IPv6 hosts; the properties string; batch bodies; offset msg ids. The failing seed is
// printed by fast-check; SEED=<n> replays it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LanguageName, LanguageCode, type RemotingCommand, SerializeType } from '../../../src/protocol/command.js';
import { decodeBatch, encodeBatch } from '../../../src/protocol/batch.js';
import { decodeFrame, encodeCommand, encodeCommandParts, FrameDecoder } from '../../../src/protocol/frame.js';
import { decodeEndTransactionRequestHeader, encodeEndTransactionRequestHeader } from '../../../src/protocol/headers/message.js';
import { decodePullMessageRequestHeader, encodePullMessageRequestHeader } from '../../../src/protocol/headers/pull-message.js';
import {
  decodeSendMessageRequestHeader, decodeSendMessageRequestHeaderV2, encodeSendMessageRequestHeader,
  encodeSendMessageRequestHeaderV2,
} from '../../../src/protocol/headers/send-message.js';
import { decodeOffsetMsgId, encodeOffsetMsgId } from '../../../src/protocol/message-id.js';
import { decodeProperties, encodeProperties, findProperty } from '../../../src/protocol/properties.js';
import { encodeRecord, recordBytesFor } from '../../../src/protocol/record.js';
import { decodeRecord, decodeRecords, verifyRecordCrc } from '../../../src/protocol/record-decode.js';

export const params = { numRuns: 200, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };

const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const nonEmptyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
const key = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).filter((name) => name !== '__proto__');
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const int16 = fc.integer({ min: -32768, max: 32767 });
const long = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const languages = Object.keys(LanguageCode) as LanguageName[];

const commandArb = fc.record({
  code: int16, language: fc.constantFrom(...languages), version: int16, opaque: int32, flag: int32,
  remark: fc.option(nonEmptyText, { nil: null }),
  extFields: fc.option(fc.dictionary(key, text, { minKeys: 1, maxKeys: 8 }), { nil: null }),
  body: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)), { nil: null }),
  serializeType: fc.constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ),
}) satisfies fc.Arbitrary<RemotingCommand>;

function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((left, right) => left - right);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('command round trip', () => {
  it('decodeFrame(encodeCommand(x)) equals x, also through a chunked FrameDecoder', () => {
    fc.assert(fc.property(fc.array(commandArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }),
      (commands, cuts) => {
        const stream = Buffer.concat(commands.map(encodeCommand));
        const decoded: RemotingCommand[] = [];
        const decoder = new FrameDecoder((content) => decoded.push(decodeFrame(content)));
        for (const chunk of chunked(stream, cuts)) decoder.push(chunk);
        expect(decoded).toEqual(commands);
        for (const command of commands) {
          expect(Buffer.concat(encodeCommandParts(command)).equals(encodeCommand(command))).toBe(true);
        }
      }), params);
  });
});

const sendHeaderArb = fc.record({
  producerGroup: key, topic: key, defaultTopic: key, defaultTopicQueueNums: int32, queueId: int32, sysFlag: int32,
  bornTimestamp: long, flag: int32,
  properties: fc.option(text, { nil: undefined }), reconsumeTimes: fc.option(int32, { nil: undefined }),
  unitMode: fc.option(fc.boolean(), { nil: undefined }), maxReconsumeTimes: fc.option(int32, { nil: undefined }),
  batch: fc.option(fc.boolean(), { nil: undefined }), bname: fc.option(text, { nil: undefined }),
});

describe('header round trips', () => {
  it('SEND_MESSAGE_V2 short keys and SEND_MESSAGE long keys', () => {
    fc.assert(fc.property(sendHeaderArb, (header) => {
      expect(decodeSendMessageRequestHeaderV2(encodeSendMessageRequestHeaderV2(header))).toEqual(header);
      expect(decodeSendMessageRequestHeader(encodeSendMessageRequestHeader(header))).toEqual(header);
    }), params);
  });

  it('PULL_MESSAGE and END_TRANSACTION', () => {
    const pull = fc.record({
      consumerGroup: key, topic: key, queueId: int32, queueOffset: long, maxMsgNums: int32, sysFlag: int32,
      commitOffset: long, suspendTimeoutMillis: long, subscription: fc.option(text, { nil: undefined }),
      subVersion: long, expressionType: fc.option(text, { nil: undefined }), bname: fc.option(text, { nil: undefined }),
    });
    const end = fc.record({
      producerGroup: key, tranStateTableOffset: long, commitLogOffset: long, commitOrRollback: int32,
      fromTransactionCheck: fc.option(fc.boolean(), { nil: undefined }), msgId: text,
      transactionId: fc.option(text, { nil: undefined }), bname: fc.option(text, { nil: undefined }),
    });
    fc.assert(fc.property(pull, end, (pullHeader, endHeader) => {
      expect(decodePullMessageRequestHeader(encodePullMessageRequestHeader(pullHeader))).toEqual(pullHeader);
      expect(decodeEndTransactionRequestHeader(encodeEndTransactionRequestHeader(endHeader))).toEqual(endHeader);
    }), params);
  });
});

const v4Host = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 65535 })).map(([ip, port]) => `${ip}:${port}`);
const v6Host = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 65535 }))
  .map(([groups, port]) => `${groups.map((group) => group.toString(16)).join(':')}:${port}`);
const host = fc.oneof(v4Host, v6Host);
const propertiesArb = fc.dictionary(
  key.filter((name) => !name.includes('\u0001') && !name.includes('\u0002')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((value) => !value.includes('\u0002')),
  { maxKeys: 6 },
);

describe('record round trip', () => {
  it('decodeRecord(encodeRecord(x)) has every field of x', () => {
    const fields = fc.record({
      topic: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 100 }),
      body: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      properties: propertiesArb, queueId: int32, flag: int32, sysFlag: fc.integer({ min: 0, max: 0x7ff }),
      bornTimestampMs: long, bornHost: host, reconsumeTimes: int32, preparedTransactionOffset: long,
      queueOffset: long, physicalOffset: fc.nat({ max: 2 ** 50 }), storeTimestampMs: long, storeHost: host,
    });
    fc.assert(fc.property(fc.array(fields, { minLength: 1, maxLength: 3 }), (records) => {
      const bytes = Buffer.concat(records.map((record) => encodeRecord(record)));
      const decoded = decodeRecords(bytes);
      expect(decoded).toHaveLength(records.length);
      records.forEach((record, index) => {
        const got = decoded[index]!;
        expect(got.totalSize).toBe(recordBytesFor(record));
        expect([got.topic, got.queueId, got.flag, got.queueOffset, got.physicalOffset, got.bornTimestampMs,
          got.storeTimestampMs, got.reconsumeTimes, got.preparedTransactionOffset])
          .toEqual([record.topic, record.queueId, record.flag, record.queueOffset, record.physicalOffset,
            record.bornTimestampMs, record.storeTimestampMs, record.reconsumeTimes, record.preparedTransactionOffset]);
        expect(got.body.equals(record.body)).toBe(true);
        expect(got.properties).toEqual(record.properties);
        expect(got.bornHost).toBe(decodeRecord(encodeRecord({ ...record, bornHost: got.bornHost })).bornHost);
        expect(encodeRecord({ ...record, bornHost: got.bornHost, storeHost: got.storeHost }).equals(got.bytes)).toBe(true);
        expect(got.sysFlag & ~0x30).toBe(record.sysFlag & ~0x30);
        verifyRecordCrc(got.source, got.position);
      });
    }), params);
  });
});

describe('properties, batch, ids', () => {
  it('decodeProperties(encodeProperties(p)) equals p and findProperty agrees', () => {
    fc.assert(fc.property(propertiesArb, (properties) => {
      const encoded = encodeProperties(properties);
      expect(decodeProperties(encoded)).toEqual(properties);
      for (const [name, value] of Object.entries(properties)) expect(findProperty(encoded, name)).toBe(value);
    }), params);
  });

  it('decodeProperties and findProperty agree on arbitrary strings', () => {
    const piece = fc.constantFrom('\u0001', '\u0002', 'a', 'b', 'ab');
    fc.assert(fc.property(fc.array(piece, { maxLength: 16 }).map((parts) => parts.join('')), (textValue) => {
      const properties = decodeProperties(textValue);
      for (const name of ['a', 'b', 'ab']) expect(findProperty(textValue, name)).toBe(properties[name]);
    }), params);
  });

  it('decodeBatch(encodeBatch(entries)) equals entries', () => {
    const entry = fc.record({
      flag: int32, body: fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)), properties: propertiesArb.map(encodeProperties),
    });
    fc.assert(fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
      expect(decodeBatch(encodeBatch(entries))).toEqual(entries);
    }), params);
  });

  it('decodeOffsetMsgId(encodeOffsetMsgId(host, offset)) gives them back', () => {
    fc.assert(fc.property(host, fc.nat({ max: 2 ** 53 - 1 }), (storeHost, physicalOffset) => {
      const id = encodeOffsetMsgId(storeHost, physicalOffset);
      expect(id).toMatch(/^[0-9A-F]+$/);
      const decoded = decodeOffsetMsgId(id);
      expect(decoded.physicalOffset).toBe(physicalOffset);
      expect(encodeOffsetMsgId(decoded.storeHost, physicalOffset)).toBe(id);
    }), params);
  });
});
