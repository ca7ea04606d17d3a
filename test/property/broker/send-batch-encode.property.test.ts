// Proves the broker's byte-level SEND_BATCH_MESSAGE encoder (src/broker/data-plane/send-batch-encode.ts)
// equal to the string path it replaced, kept here as the reference model: decodeBatch, then per
// entry WAIT removed, the batch-level properties joined, DELAY/TRAN_MSG refused, CLUSTER
// replaced, TAGS hashed, each record encoded by the protocol's encodeRecord. For random batches
// (bodies, flags, properties with and without WAIT/CLUSTER/TAGS/DELAY/TRAN_MSG, Java-style
// trailing separators, non-ASCII values, IPv4/IPv6 born hosts, batch-level properties) both give
// the same record bytes, tagsCodes and refusals. Also: offsetMsgIdList equals the per-record
// encodeOffsetMsgId joined by commas, and countBatchEntries refuses what decodeBatch refuses.
// fast-check prints the failing seed; SEED=<n> replays it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchRecordFields, countBatchEntries, encodeBatchRecords } from '../../../src/broker/data-plane/send-batch-encode.js';
import { offsetMsgIdList } from '../../../src/broker/data-plane/send-reply.js';
import { encodeOutgoingRecords } from '../../../src/broker/data-plane/send-record.js';
import { javaStringHashCode } from '../../../src/broker/data-plane/tag-filter.js';
import { decodeBatch } from '../../../src/protocol/batch.js';
import { encodeHost } from '../../../src/protocol/host-address.js';
import { MessageConst } from '../../../src/protocol/message-const.js';
import { encodeOffsetMsgId } from '../../../src/protocol/message-id.js';
import { PROPERTY_SEPARATOR, appendProperty, findProperty, removeProperty } from '../../../src/protocol/properties.js';
import { SysFlag } from '../../../src/protocol/record-layout.js';

const params = { numRuns: 300, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };

function joinProperties(left: string, right: string): string {
  if (left === '') return right;
  if (right === '') return left;
  return left.endsWith(PROPERTY_SEPARATOR) ? left + right : left + PROPERTY_SEPARATOR + right;
}

type Reference = { records: Buffer; tagsCodes: number[] } | { illegal: string };

/** The string path the byte-level encoder replaced (handlers/send-batch-message.ts before H15). */
function reference(body: Buffer, fields: BatchRecordFields, headerProperties: string): Reference {
  const batchProperties = removeProperty(headerProperties, MessageConst.WAIT);
  const records = [];
  const tagsCodes: number[] = [];
  for (const entry of decodeBatch(body)) {
    let text = removeProperty(entry.properties, MessageConst.WAIT);
    text = joinProperties(text, batchProperties);
    const delay = Number.parseInt(findProperty(text, MessageConst.DELAY) ?? '0', 10);
    if (delay > 0) return { illegal: 'batch message does not support delay message' };
    if (findProperty(text, MessageConst.TRAN_MSG) === 'true') return { illegal: 'batch message does not support transaction' };
    text = appendProperty(removeProperty(text, MessageConst.CLUSTER), MessageConst.CLUSTER, fields.clusterName);
    const tags = findProperty(text, MessageConst.TAGS);
    tagsCodes.push(tags === undefined ? 0 : javaStringHashCode(tags));
    records.push({
      topic: fields.topic, queueId: fields.queueId, flag: entry.flag, sysFlag: fields.sysFlag,
      bornTimestampMs: fields.bornTimestampMs, bornHost: Buffer.from(fields.bornHost), reconsumeTimes: fields.reconsumeTimes,
      preparedTransactionOffset: 0, body: entry.body, properties: text,
    });
  }
  return { records: encodeOutgoingRecords(records), tagsCodes };
}

/** Same as the handler's batch-level properties (WAIT and CLUSTER out). */
function batchPropertiesOf(text: string): string {
  return removeProperty(removeProperty(text, MessageConst.WAIT), MessageConst.CLUSTER);
}

const word = fc.stringMatching(/^[A-Za-z0-9_]{1,8}$/);
const value = fc.oneof(word, fc.constantFrom('true', 'false', '0', '3', '-1', 'é漢', 'a b'));
const pair = fc.oneof(
  fc.tuple(fc.constantFrom('WAIT', 'CLUSTER', 'TAGS', 'KEYS', 'DELAY', 'TRAN_MSG', 'UNIQ_KEY'), value),
  fc.tuple(word, value),
);
const propertiesText = fc.tuple(fc.array(pair, { maxLength: 6 }), fc.boolean())
  .map(([pairs, trailing]) => {
    const text = pairs.map(([name, v]) => `${name}\u0001${v}`).join('\u0002');
    return trailing && text !== '' ? `${text}\u0002` : text;
  });

function encodeEntries(entries: Array<{ flag: number; body: Buffer; properties: string }>): Buffer {
  const parts = entries.map((entry) => {
    const properties = Buffer.from(entry.properties, 'utf8');
    const out = Buffer.alloc(22 + entry.body.length + properties.length);
    out.writeInt32BE(out.length, 0);
    out.writeInt32BE(entry.flag, 12);
    out.writeInt32BE(entry.body.length, 16);
    entry.body.copy(out, 20);
    out.writeInt16BE(properties.length, 20 + entry.body.length);
    properties.copy(out, 22 + entry.body.length);
    return out;
  });
  return Buffer.concat(parts);
}

describe('encodeBatchRecords (property)', () => {
  it('gives the string path\'s records, tagsCodes and refusals', () => {
    // Short bodies, and bodies past the JS CRC (256 B) and word-copy (512 B) switches.
    const body = fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.uint8Array({ minLength: 250, maxLength: 700 }));
    const entry = fc.record({ flag: fc.integer({ min: -5, max: 1 << 20 }), body, properties: propertiesText });
    fc.assert(fc.property(
      fc.array(entry, { minLength: 1, maxLength: 12 }), propertiesText, fc.boolean(), fc.boolean(),
      fc.integer({ min: 0, max: 3 }), fc.stringMatching(/^[A-Za-z0-9_%-]{1,30}$/),
      (entries, headerProperties, v6, multiTags, queueId, topic) => {
        const body = encodeEntries(entries.map((e) => ({ ...e, body: Buffer.from(e.body) })));
        let sysFlag = v6 ? SysFlag.BORNHOST_V6 : 0;
        if (multiTags) sysFlag |= SysFlag.MULTI_TAGS;
        const fields: BatchRecordFields = {
          topic, queueId, sysFlag, bornTimestampMs: 1_790_000_000_123, reconsumeTimes: 0,
          bornHost: encodeHost(v6 ? '[::1]:40000' : '10.1.2.3:40000'), batchProperties: batchPropertiesOf(headerProperties),
          clusterName: 'DefaultCluster',
        };
        const expected = reference(body, fields, headerProperties);
        const count = countBatchEntries(body);
        expect(count).toBe(entries.length);
        const actual = encodeBatchRecords(body, count as number, fields);
        if ('illegal' in expected) {
          expect(actual).toEqual({ kind: 'illegal', remark: expected.illegal });
          return;
        }
        expect(actual.kind).toBe('records');
        if (actual.kind !== 'records') return;
        expect(actual.tagsCodes).toEqual(expected.tagsCodes);
        expect(actual.records.equals(expected.records)).toBe(true);
      },
    ), params);
  });

  it('refuses malformed framing wherever decodeBatch does', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), (bytes) => {
      const body = Buffer.from(bytes);
      let decodeRefuses = false;
      try {
        decodeBatch(body);
      } catch {
        decodeRefuses = true;
      }
      expect(typeof countBatchEntries(body) === 'string').toBe(decodeRefuses);
    }), params);
  });
});

describe('offsetMsgIdList (property)', () => {
  it('equals encodeOffsetMsgId per record joined by commas', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 50 }),
      fc.constantFrom('127.0.0.1:10911', '10.20.30.40:65535', '[::1]:10911'),
      (offsets, storeHost) => {
        expect(offsetMsgIdList(storeHost, offsets)).toBe(offsets.map((o) => encodeOffsetMsgId(storeHost, o)).join(','));
      },
    ), params);
  });
});
