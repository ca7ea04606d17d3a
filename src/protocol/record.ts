import { crc32 } from 'node:zlib';
import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { PROPERTIES_BYTES_MAX, TOPIC_NAME_CHARS_MAX } from '../common/limits.js';
import { put16, put32, putLong, utf8Length, writeUtf8 } from './bytes.js';
import { encodeHost, type HostBytes } from './host-address.js';
import { encodeProperties, type MessageProperties } from './properties.js';
import {
  BLANK_MAGIC, BLANK_RECORD_BYTES, bodyLengthPosition, HOST_V4_BYTES, HOST_V6_BYTES, MESSAGE_MAGIC,
  RECORD_FIXED_BYTES_V4, RecordPosition, reconsumeTimesPosition, storeHostPosition,
  storeTimestampPosition, SysFlag,
} from './record-layout.js';

/**
 * V1 message record encoder and in-place stamping (reference §3.1; layout in record-layout.ts
 * and docs/formats.md). Decoding lives in record-decode.ts.
 *
 * The encoder writes a complete record. The broker's I/O thread encodes with queueOffset,
 * physicalOffset, storeTimestamp and storeHost blank (zero) and the store worker fills them in
 * with `stampRecord` when it assigns positions; the body CRC is computed at encode time
 * (crc32(body) & 0x7fffffff, java.util.zip.CRC32 masked).
 *
 * Hot path: with a target buffer, `encodeRecord` allocates nothing (hosts given as
 * pre-encoded HostBytes, properties as an encoded string).
 */
export interface RecordFields {
  topic: string;
  body: Buffer;
  /** Encoded properties string (§3.4), or a map to encode. */
  properties: string | Readonly<MessageProperties>;
  queueId: number;
  flag: number;
  /** The BORNHOST_V6/STOREHOST_V6 bits are set from the hosts given; other bits kept. */
  sysFlag: number;
  bornTimestampMs: number;
  /** "ip:port" or pre-encoded 8/20 bytes (`encodeHost`). */
  bornHost: string | HostBytes;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  queueOffset?: number;
  physicalOffset?: number;
  storeTimestampMs?: number;
  /** Absent: zero bytes, 8 long, or 20 when sysFlag has STOREHOST_V6. */
  storeHost?: string | HostBytes;
  /** Precomputed masked body CRC; computed when absent. */
  bodyCrc?: number;
}

const TWO_POW_32 = 4294967296;

export function recordError(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_RECORD_MALFORMED, message);
}

/** Body CRC as stored in BODYCRC: CRC-32 (IEEE) of the body, masked to 31 bits. */
export function bodyCrcOf(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}

/** Writes a long (a safe integer) big-endian as two 32-bit halves: no BigInt on the hot path. */
export function writeLong(target: Buffer, value: number, position: number): void {
  assert(Number.isSafeInteger(value), 'long value must be a safe integer');
  const high = Math.floor(value / TWO_POW_32);
  target.writeInt32BE(high, position);
  target.writeUInt32BE(value - high * TWO_POW_32, position + 4);
}

/** Reads a big-endian long; undefined when it is outside the safe-integer range. */
export function readLong(source: Buffer, position: number): number | undefined {
  const value = source.readInt32BE(position) * TWO_POW_32 + source.readUInt32BE(position + 4);
  return Number.isSafeInteger(value) ? value : undefined;
}

function hostBytesOf(host: string | HostBytes): HostBytes {
  return typeof host === 'string' ? encodeHost(host) : host;
}

function sysFlagFor(fields: RecordFields, bornHost: HostBytes, storeHost: HostBytes | undefined): number {
  let sysFlag = fields.sysFlag & ~SysFlag.BORNHOST_V6;
  if (bornHost.length === HOST_V6_BYTES) sysFlag |= SysFlag.BORNHOST_V6;
  if (storeHost !== undefined) {
    sysFlag &= ~SysFlag.STOREHOST_V6;
    if (storeHost.length === HOST_V6_BYTES) sysFlag |= SysFlag.STOREHOST_V6;
  }
  return sysFlag;
}

/** Bytes `encodeRecord` will write for these fields. */
export function recordBytesFor(fields: RecordFields): number {
  const properties = typeof fields.properties === 'string' ? fields.properties : encodeProperties(fields.properties);
  const bornBytes = typeof fields.bornHost === 'string' ? encodeHost(fields.bornHost).length : fields.bornHost.length;
  let storeBytes = (fields.sysFlag & SysFlag.STOREHOST_V6) !== 0 ? HOST_V6_BYTES : HOST_V4_BYTES;
  if (fields.storeHost !== undefined) {
    storeBytes = typeof fields.storeHost === 'string' ? encodeHost(fields.storeHost).length : fields.storeHost.length;
  }
  return RECORD_FIXED_BYTES_V4 + (bornBytes - HOST_V4_BYTES) + (storeBytes - HOST_V4_BYTES)
    + fields.body.length + Buffer.byteLength(fields.topic, 'utf8') + Buffer.byteLength(properties, 'utf8');
}

/**
 * Encodes one record. Without a target, returns a new Buffer holding exactly the record; with
 * a target, writes at `position` and returns the bytes written. Throws ERR_RECORD_MALFORMED
 * when the topic (> 127 bytes) or properties (> 32767 bytes) cannot be represented, or the
 * target is too small.
 */
export function encodeRecord(fields: RecordFields): Buffer;
export function encodeRecord(fields: RecordFields, target: Buffer, position?: number): number;
export function encodeRecord(fields: RecordFields, target?: Buffer, position = 0): Buffer | number {
  const properties = typeof fields.properties === 'string' ? fields.properties : encodeProperties(fields.properties);
  const bornHost = hostBytesOf(fields.bornHost);
  const storeHost = fields.storeHost === undefined ? undefined : hostBytesOf(fields.storeHost);
  const sysFlag = sysFlagFor(fields, bornHost, storeHost);
  const topicBytes = utf8Length(fields.topic);
  const propertiesBytes = utf8Length(properties);
  if (topicBytes > TOPIC_NAME_CHARS_MAX) throw recordError(`topic of ${topicBytes} bytes exceeds ${TOPIC_NAME_CHARS_MAX}`);
  if (propertiesBytes > PROPERTIES_BYTES_MAX) {
    throw recordError(`properties of ${propertiesBytes} bytes exceed ${PROPERTIES_BYTES_MAX}`);
  }
  const bodyStart = bodyLengthPosition(sysFlag) + 4;
  const totalBytes = bodyStart + fields.body.length + 1 + topicBytes + 2 + propertiesBytes;
  const out = target ?? Buffer.allocUnsafe(totalBytes);
  if (position < 0 || position + totalBytes > out.length) {
    throw recordError(`record of ${totalBytes} bytes does not fit at ${position} in ${out.length}`);
  }
  writeFixedPart(out, position, fields, sysFlag, totalBytes, bornHost, storeHost);
  let cursor = position + bodyStart;
  out.set(fields.body, cursor);
  cursor += fields.body.length;
  out[cursor] = topicBytes;
  cursor += 1 + writeUtf8(out, fields.topic, cursor + 1);
  put16(out, cursor, propertiesBytes);
  if (propertiesBytes > 0) writeUtf8(out, properties, cursor + 2);
  assert(cursor + 2 + propertiesBytes === position + totalBytes, 'record bytes must match their measure');
  return target === undefined ? out : totalBytes;
}

/** Fixed fields by direct byte stores (no per-call argument checks): positions are in range. */
function writeFixedPart(
  out: Buffer, position: number, fields: RecordFields, sysFlag: number, totalBytes: number,
  bornHost: HostBytes, storeHost: HostBytes | undefined,
): void {
  put32(out, position + RecordPosition.TOTAL_SIZE, totalBytes);
  put32(out, position + RecordPosition.MAGIC, MESSAGE_MAGIC);
  put32(out, position + RecordPosition.BODY_CRC, fields.bodyCrc ?? bodyCrcOf(fields.body));
  put32(out, position + RecordPosition.QUEUE_ID, fields.queueId);
  put32(out, position + RecordPosition.FLAG, fields.flag);
  putSafeLong(out, position + RecordPosition.QUEUE_OFFSET, fields.queueOffset ?? 0);
  putSafeLong(out, position + RecordPosition.PHYSICAL_OFFSET, fields.physicalOffset ?? 0);
  put32(out, position + RecordPosition.SYS_FLAG, sysFlag);
  putSafeLong(out, position + RecordPosition.BORN_TIMESTAMP, fields.bornTimestampMs);
  out.set(bornHost, position + RecordPosition.BORN_HOST);
  putSafeLong(out, position + storeTimestampPosition(sysFlag), fields.storeTimestampMs ?? 0);
  const storeHostAt = position + storeHostPosition(sysFlag);
  const reconsumeAt = position + reconsumeTimesPosition(sysFlag);
  if (storeHost === undefined) {
    for (let at = storeHostAt; at < reconsumeAt; at++) out[at] = 0;
  } else {
    out.set(storeHost, storeHostAt);
  }
  put32(out, reconsumeAt, fields.reconsumeTimes ?? 0);
  putSafeLong(out, reconsumeAt + 4, fields.preparedTransactionOffset ?? 0);
  put32(out, reconsumeAt + 12, fields.body.length);
}

function putSafeLong(out: Buffer, position: number, value: number): void {
  assert(Number.isSafeInteger(value), 'long value must be a safe integer');
  putLong(out, position, value);
}

/** What the store worker writes into an encoded record when it assigns its place. */
export interface RecordStamp {
  queueOffset: number;
  physicalOffset: number;
  storeTimestampMs: number;
  /** Must be the same kind (IPv4/IPv6) the record was encoded with. Omit to leave as encoded. */
  storeHost?: HostBytes;
}

/** Stamps offsets, store time and store host into the record at `position`, in place. */
export function stampRecord(record: Buffer, position: number, stamp: RecordStamp): void {
  const sysFlag = record.readInt32BE(position + RecordPosition.SYS_FLAG);
  writeLong(record, stamp.queueOffset, position + RecordPosition.QUEUE_OFFSET);
  writeLong(record, stamp.physicalOffset, position + RecordPosition.PHYSICAL_OFFSET);
  writeLong(record, stamp.storeTimestampMs, position + storeTimestampPosition(sysFlag));
  if (stamp.storeHost !== undefined) {
    const expected = (sysFlag & SysFlag.STOREHOST_V6) !== 0 ? HOST_V6_BYTES : HOST_V4_BYTES;
    assert(stamp.storeHost.length === expected, 'store host kind must match the record sysFlag');
    record.set(stamp.storeHost, position + storeHostPosition(sysFlag));
  }
}

/** Writes the 8-byte end-of-segment blank: TOTALSIZE = bytes left in the segment, BLANK magic. */
export function writeBlankRecord(target: Buffer, position: number, remainingBytes: number): void {
  assert(remainingBytes >= BLANK_RECORD_BYTES, 'a blank record needs 8 bytes');
  target.writeInt32BE(remainingBytes, position);
  target.writeInt32BE(BLANK_MAGIC, position + 4);
}
