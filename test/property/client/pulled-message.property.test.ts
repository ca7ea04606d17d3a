// Property (fast-check): for random records (random properties strings, including odd
// separators and repeated names, random numeric fields, IPv4/IPv6 hosts, random topics) encoded
// by src/protocol's record codec and pulled back to back, the consumer's lazy decode
// (decodePulledMessages) gives the same fields and the same properties map as the eager
// DecodedRecord + toMessageExt path, whichever field is read first. SEED=<n> replays a failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MessageExt, MessageProperty } from '../../../src/client/message.js';
import { decodePulledMessages, toMessageExt } from '../../../src/client/message-decode.js';
import { tagsOf } from '../../../src/client/pulled-message.js';
import { encodeRecord, type RecordFields } from '../../../src/protocol/record.js';
import { decodeRecords } from '../../../src/protocol/record-decode.js';
import { SysFlag } from '../../../src/protocol/record-layout.js';

const params = { numRuns: 150, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };

const name = fc.constantFrom('TAGS', 'KEYS', 'UNIQ_KEY', 'WAIT', 'a', 'color', '__proto__', 'x\u0001y', '');
const value = fc.string({ unit: 'grapheme', maxLength: 12 });
/** Pieces joined by \u0002, some malformed: what a real or a hostile writer may store. */
const propertiesText = fc.array(fc.tuple(name, value), { maxLength: 6 })
  .map((pairs) => pairs.map(([n, v]) => `${n}\u0001${v}`).join('\u0002'));
const topic = fc.constantFrom('TopicTest', 'TopicTesu', 'T', '%RETRY%g', 'Ünïcode');
const long = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(65535)).map(([a, b, port]) => `10.${a}.${b}.1:${port}`);
const v6 = fc.tuple(fc.nat(65535), fc.nat(65535)).map(([a, port]) => `fe80:0:0:0:0:0:0:${a.toString(16)}:${port}`);

const recordArb: fc.Arbitrary<RecordFields> = fc.record({
  topic, body: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)), properties: propertiesText,
  queueId: fc.nat(1000), flag: int32, v6Born: fc.boolean(), v6Store: fc.boolean(), bornTimestampMs: long,
  born4: v4, born6: v6, store4: v4, store6: v6, reconsumeTimes: fc.nat(20), preparedTransactionOffset: long,
  queueOffset: long, physicalOffset: long, storeTimestampMs: long,
}).map((r) => ({
  topic: r.topic, body: r.body, properties: r.properties, queueId: r.queueId, flag: r.flag,
  sysFlag: (r.v6Born ? SysFlag.BORNHOST_V6 : 0) | (r.v6Store ? SysFlag.STOREHOST_V6 : 0),
  bornTimestampMs: r.bornTimestampMs, bornHost: r.v6Born ? r.born6 : r.born4, reconsumeTimes: r.reconsumeTimes,
  preparedTransactionOffset: r.preparedTransactionOffset, queueOffset: r.queueOffset,
  physicalOffset: r.physicalOffset, storeTimestampMs: r.storeTimestampMs, storeHost: r.v6Store ? r.store6 : r.store4,
}));

const FIELDS = [
  'topic', 'flag', 'msgId', 'queueId', 'queueOffset', 'commitLogOffset', 'storeSize', 'bodyCRC', 'sysFlag',
  'bornTimestamp', 'bornHost', 'storeTimestamp', 'storeHost', 'reconsumeTimes', 'preparedTransactionOffset',
  'offsetMsgId', 'tags', 'keys',
] as const;

function view(message: MessageExt, firstRead: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const order = [...FIELDS.slice(firstRead), ...FIELDS.slice(0, firstRead)];
  for (const field of order) out[field] = message[field];
  out['body'] = message.body.toString('hex');
  out['properties'] = Object.entries(message.properties);
  return out;
}

describe('lazy pulled-message decode (property)', () => {
  it('equals the eager decode for random records, whatever is read first', () => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), fc.nat(FIELDS.length - 1), (records, firstRead) => {
      const body = Buffer.concat(records.map((fields) => encodeRecord(fields)));
      const lazy = decodePulledMessages(body, 'b', 3, 9, 'TopicTest');
      const eager = decodeRecords(body).map((record) => {
        const message = toMessageExt(record, 'b');
        message.properties[MessageProperty.MIN_OFFSET] = '3';
        message.properties[MessageProperty.MAX_OFFSET] = '9';
        return message;
      });
      expect(lazy).toHaveLength(eager.length);
      lazy.forEach((message, index) => {
        const reference = eager[index]!;
        expect(tagsOf(message)).toBe(reference.tags);
        expect(view(message, firstRead)).toEqual(view(reference, firstRead));
      });
    }), params);
  });
});
