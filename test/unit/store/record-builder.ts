// Builds V1 records the way a broker I/O thread hands them to the store (CRC computed, offsets
// and store time/host blank), for the store's unit, property and integration tests.
import { encodeRecord } from '../../../src/protocol/record.js';
import { encodeProperties } from '../../../src/protocol/properties.js';
import { javaStringHash } from '../../../src/store/record-access.js';

export interface TestMessage {
  topic: string;
  queueId: number;
  body: Buffer;
  tags?: string;
  keys?: string;
  uniqueKey?: string;
  sysFlag?: number;
  extraProperties?: Record<string, string>;
}

export function buildRecord(message: TestMessage): Buffer {
  const properties: Record<string, string> = { ...(message.extraProperties ?? {}) };
  if (message.tags !== undefined) properties.TAGS = message.tags;
  if (message.keys !== undefined) properties.KEYS = message.keys;
  if (message.uniqueKey !== undefined) properties.UNIQ_KEY = message.uniqueKey;
  return encodeRecord({
    topic: message.topic,
    body: message.body,
    properties: encodeProperties(properties),
    queueId: message.queueId,
    flag: 0,
    sysFlag: message.sysFlag ?? 0,
    bornTimestampMs: 1_700_000_000_000,
    bornHost: '10.0.0.2:50000',
  });
}

export function tagsCodeOf(message: TestMessage): number {
  return message.tags === undefined ? 0 : javaStringHash(message.tags);
}

export function bodyOf(index: number, sizeBytes: number): Buffer {
  const body = Buffer.alloc(sizeBytes);
  for (let i = 0; i < sizeBytes; i++) body[i] = (index * 31 + i) & 0xff;
  if (sizeBytes >= 4) body.writeUInt32BE(index >>> 0, 0);
  return body;
}
