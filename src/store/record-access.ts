import { crc32 } from 'node:zlib';
import { assert } from '../common/assert.js';
import { javaStringHashCode } from '../protocol/java-hash.js';
import {
  BLANK_MAGIC, BLANK_RECORD_BYTES, MESSAGE_MAGIC, RECORD_FIXED_BYTES_V4, RecordPosition, SysFlag,
  bodyLengthPosition, storeHostPosition, storeTimestampPosition,
} from '../protocol/record-layout.js';

/**
 * Field access on V1 records (src/protocol/record-layout.ts) as the store needs it: stamping,
 * validation on recovery and read, and the few properties the store looks at (TAGS, KEYS,
 * UNIQ_KEY, DELAY). Works on Buffers at a position, never copies a record.
 */
const TWO_POW_32 = 4294967296;

/** Reads a signed 64-bit big-endian integer as a number (store values are below 2^53). */
export function readI64(buffer: Buffer, position: number): number {
  return buffer.readInt32BE(position) * TWO_POW_32 + buffer.readUInt32BE(position + 4);
}

/** Hot path (stamping): plain byte stores, no range checks beyond the caller's. */
export function writeI64(buffer: Uint8Array, position: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  const low = value - high * TWO_POW_32;
  buffer[position] = high >>> 24;
  buffer[position + 1] = high >>> 16;
  buffer[position + 2] = high >>> 8;
  buffer[position + 3] = high;
  buffer[position + 4] = low >>> 24;
  buffer[position + 5] = low >>> 16;
  buffer[position + 6] = low >>> 8;
  buffer[position + 7] = low;
}

export function readI32(buffer: Uint8Array, position: number): number {
  return ((buffer[position] as number) << 24) | ((buffer[position + 1] as number) << 16)
    | ((buffer[position + 2] as number) << 8) | (buffer[position + 3] as number);
}

/** Position of TOPICLEN in the record at `position` (after the body). */
export function topicLengthPosition(buffer: Uint8Array, position: number): number {
  const bodyLengthAt = position + bodyLengthPosition(readI32(buffer, position + RecordPosition.SYS_FLAG));
  return bodyLengthAt + 4 + readI32(buffer, bodyLengthAt);
}

/**
 * The stored body CRC of bytes [start, end): crc32 (java.util.zip.CRC32's) masked to 31 bits.
 * Below SMALL_CRC_BYTES a table-driven crc32 in JS (slicing by 8) is used: a zlib.crc32 call
 * costs ~150-300 ns whatever the length (argument checks, a view, the native call), the JS loop
 * ~100 ns for a 128 B body; above it zlib's native loop wins. Same value either way (property
 * test against zlib.crc32).
 */
export function bodyCrc(buffer: Uint8Array, start: number, end: number): number {
  const crc = end - start < SMALL_CRC_BYTES
    ? smallCrc32(buffer, start, end)
    : crc32(new Uint8Array(buffer.buffer, buffer.byteOffset + start, end - start));
  return (crc & 0x7fffffff) >>> 0;
}

/** Bodies shorter than this are checksummed in JS (measured crossover ~256 B). */
const SMALL_CRC_BYTES = 256;

/** CRC-32 (reflected, polynomial 0xEDB88320) tables for slicing by 8: table k at k * 256. */
const CRC_TABLES = ((): Int32Array => {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n] as number;
    for (let k = 1; k < 8; k++) {
      c = (tables[c & 0xff] as number) ^ (c >>> 8);
      tables[k * 256 + n] = c;
    }
  }
  return tables;
})();

/** crc32 of bytes [start, end) as zlib.crc32 computes it (unsigned 32-bit). */
export function smallCrc32(bytes: Uint8Array, start: number, end: number): number {
  const t = CRC_TABLES;
  let c = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = c ^ ((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16)
      | ((bytes[i + 3] as number) << 24));
    c = (t[1792 + (a & 0xff)] as number) ^ (t[1536 + ((a >>> 8) & 0xff)] as number)
      ^ (t[1280 + ((a >>> 16) & 0xff)] as number) ^ (t[1024 + (a >>> 24)] as number)
      ^ (t[768 + (bytes[i + 4] as number)] as number) ^ (t[512 + (bytes[i + 5] as number)] as number)
      ^ (t[256 + (bytes[i + 6] as number)] as number) ^ (t[bytes[i + 7] as number] as number);
  }
  for (; i < end; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Positions inside one record, computed once from its sysFlag and lengths. */
export interface RecordFields {
  totalBytes: number;
  queueId: number;
  sysFlag: number;
  bodyStart: number;
  bodyEnd: number;
  topicStart: number;
  topicEnd: number;
  propertiesStart: number;
  propertiesEnd: number;
}

/** Parses the length fields; returns null when they are inconsistent with `totalBytes`. */
export function recordFields(buffer: Buffer, position: number, available: number): RecordFields | null {
  if (available < RECORD_FIXED_BYTES_V4) return null;
  const totalBytes = buffer.readInt32BE(position);
  if (totalBytes < RECORD_FIXED_BYTES_V4 || totalBytes > available) return null;
  const sysFlag = buffer.readInt32BE(position + RecordPosition.SYS_FLAG);
  const bodyLengthAt = position + bodyLengthPosition(sysFlag);
  const bodyLength = buffer.readInt32BE(bodyLengthAt);
  const bodyStart = bodyLengthAt + 4;
  const bodyEnd = bodyStart + bodyLength;
  if (bodyLength < 0 || bodyEnd + 3 > position + totalBytes) return null;
  const topicLength = buffer.readUInt8(bodyEnd);
  const topicStart = bodyEnd + 1;
  const topicEnd = topicStart + topicLength;
  if (topicEnd + 2 > position + totalBytes) return null;
  const propertiesLength = buffer.readUInt16BE(topicEnd);
  const propertiesStart = topicEnd + 2;
  const propertiesEnd = propertiesStart + propertiesLength;
  if (propertiesEnd !== position + totalBytes) return null;
  return {
    totalBytes,
    queueId: buffer.readInt32BE(position + RecordPosition.QUEUE_ID),
    sysFlag,
    bodyStart,
    bodyEnd,
    topicStart,
    topicEnd,
    propertiesStart,
    propertiesEnd,
  };
}

export type ScanResult =
  | { kind: 'record'; fields: RecordFields }
  | { kind: 'blank'; totalBytes: number }
  | { kind: 'end' }
  | { kind: 'corrupt'; reason: string };

/**
 * Validates what sits at `position` (file/segment position `physicalOffset`): a message record
 * (magic, sizes, stamped physical offset, body CRC), a blank end-of-segment record, a
 * zero-filled preallocated tail ('end'), or anything else ('corrupt').
 */
export function scanRecord(
  buffer: Buffer, position: number, available: number, physicalOffset: number, checkCrc: boolean,
): ScanResult {
  if (available < BLANK_RECORD_BYTES) return { kind: 'end' };
  const totalBytes = buffer.readInt32BE(position);
  const magic = buffer.readInt32BE(position + RecordPosition.MAGIC);
  if (totalBytes === 0 && magic === 0) return { kind: 'end' };
  if (magic === BLANK_MAGIC) {
    return totalBytes >= BLANK_RECORD_BYTES ? { kind: 'blank', totalBytes } : { kind: 'corrupt', reason: 'blank size' };
  }
  if (magic !== MESSAGE_MAGIC) return { kind: 'corrupt', reason: 'magic' };
  const fields = recordFields(buffer, position, available);
  if (fields === null) return { kind: 'corrupt', reason: 'sizes' };
  if (readI64(buffer, position + RecordPosition.PHYSICAL_OFFSET) !== physicalOffset) {
    return { kind: 'corrupt', reason: 'physical offset' };
  }
  if (checkCrc) {
    const stored = buffer.readInt32BE(position + RecordPosition.BODY_CRC);
    if (bodyCrc(buffer, fields.bodyStart, fields.bodyEnd) !== stored) return { kind: 'corrupt', reason: 'crc' };
  }
  return { kind: 'record', fields };
}

/** Stamps what the store owns into a record in place (reference §3.1 rows 6, 7, 11, 12). */
export function stampRecord(
  buffer: Buffer, position: number, queueOffset: number, physicalOffset: number,
  storeTimestampMs: number, storeHost: Buffer,
): void {
  const sysFlag = readI32(buffer, position + RecordPosition.SYS_FLAG);
  writeI64(buffer, position + RecordPosition.QUEUE_OFFSET, queueOffset);
  writeI64(buffer, position + RecordPosition.PHYSICAL_OFFSET, physicalOffset);
  writeI64(buffer, position + storeTimestampPosition(sysFlag), storeTimestampMs);
  const hostAt = position + storeHostPosition(sysFlag);
  if ((sysFlag & SysFlag.STOREHOST_V6) === 0) {
    for (let i = 0; i < 8; i++) buffer[hostAt + i] = storeHost[i] as number;
  } else {
    storeHost.copy(buffer, hostAt + 12, 0, 8);
    buffer.fill(0, hostAt, hostAt + 10);
    buffer.writeUInt16BE(0xffff, hostAt + 10);
  }
}

/** IPv4 store host as RocketMQ writes it: 4 address bytes + int port. */
export function encodeStoreHost(ip: string, port: number): Buffer {
  const parts = ip.split('.').map(Number);
  assert(parts.length === 4 && parts.every((part) => part >= 0 && part <= 255), `store host must be IPv4: ${ip}`);
  const host = Buffer.alloc(8);
  parts.forEach((part, index) => host.writeUInt8(part, index));
  host.writeInt32BE(port, 4);
  return host;
}

export function isTransactionSkipped(sysFlag: number): boolean {
  const type = sysFlag & SysFlag.TRANSACTION_MASK;
  return type === SysFlag.TRANSACTION_PREPARED_TYPE || type === SysFlag.TRANSACTION_ROLLBACK_TYPE;
}

export function storeTimestampOf(buffer: Buffer, position: number): number {
  const sysFlag = buffer.readInt32BE(position + RecordPosition.SYS_FLAG);
  return readI64(buffer, position + storeTimestampPosition(sysFlag));
}

/** Value of property `name` in a properties string (reference §3.4), or undefined. */
export function findProperty(buffer: Buffer, start: number, end: number, name: string): string | undefined {
  const text = buffer.toString('utf8', start, end);
  return propertyIn(text, name);
}

export function propertyIn(text: string, name: string): string | undefined {
  let from = 0;
  while (from < text.length) {
    let pieceEnd = text.indexOf('\u0002', from);
    if (pieceEnd < 0) pieceEnd = text.length;
    const separator = text.indexOf('\u0001', from);
    if (separator > from && separator < pieceEnd - 1 && text.slice(from, separator) === name) {
      return text.slice(separator + 1, pieceEnd);
    }
    from = pieceEnd + 1;
  }
  return undefined;
}

/** Java's String.hashCode: the tagsCode of a TAGS value (src/protocol/java-hash.ts). */
export const javaStringHash = javaStringHashCode;

export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

/**
 * The consume-queue tagsCode of a stored record (used when recovery rebuilds entries):
 * the TAGS hash, or for SCHEDULE_TOPIC_XXXX the due time = store time + delay of DELAY level.
 */
export function tagsCodeOfRecord(buffer: Buffer, position: number, fields: RecordFields, delayLevelsMs: readonly number[]): number {
  const topic = buffer.toString('utf8', fields.topicStart, fields.topicEnd);
  const properties = buffer.toString('utf8', fields.propertiesStart, fields.propertiesEnd);
  if (topic === SCHEDULE_TOPIC) {
    const level = Number(propertyIn(properties, 'DELAY') ?? '0');
    const levelIndex = Math.min(Math.max(level, 1), delayLevelsMs.length) - 1;
    return storeTimestampOf(buffer, position) + (delayLevelsMs[levelIndex] ?? 0);
  }
  const tags = propertyIn(properties, 'TAGS');
  return tags === undefined || tags === '' ? 0 : javaStringHash(tags);
}

/** The index keys of a record: UNIQ_KEY and each space-separated KEYS token. */
export function indexKeysOf(properties: string): string[] {
  const keys: string[] = [];
  const unique = propertyIn(properties, 'UNIQ_KEY');
  if (unique !== undefined && unique !== '') keys.push(unique);
  const userKeys = propertyIn(properties, 'KEYS');
  if (userKeys !== undefined) {
    for (const key of userKeys.split(' ')) if (key !== '') keys.push(key);
  }
  return keys;
}
