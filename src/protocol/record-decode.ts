import { ErrorCode, PetrelError } from '../common/errors.js';
import { int16At, int32At, safeLongAt } from './bytes.js';
import { decodeHost } from './host-address.js';
import { MessageConst } from './message-const.js';
import { encodeOffsetMsgId } from './message-id.js';
import { decodeProperties, type MessageProperties } from './properties.js';
import { bodyCrcOf, recordError } from './record.js';
import {
  BLANK_MAGIC, BLANK_RECORD_BYTES, bodyLengthPosition, MESSAGE_MAGIC, RECORD_FIXED_BYTES_V4,
  RecordPosition, reconsumeTimesPosition, storeHostPosition, storeTimestampPosition, SysFlag,
} from './record-layout.js';

/**
 * V1 record decoder (reference §3.1). `decodeRecord` validates every length and reads the
 * numeric fields at once; the body, topic, hosts, properties and ids are read on first access
 * (the pull path and the store's dispatch read a few fields of many records). Views share the
 * source buffer: it must not be overwritten while a DecodedRecord is in use.
 */
export type RecordKind = 'message' | 'blank' | 'end';

/**
 * What is at `position`: a message record, the end-of-segment blank, or the end (fewer than 8
 * bytes left, or a zero TOTALSIZE as in a pre-allocated, zero-filled tail). Anything else
 * (unknown magic) is ERR_RECORD_MALFORMED.
 */
export function recordKindAt(source: Buffer, position: number): RecordKind {
  if (source.length - position < BLANK_RECORD_BYTES) return 'end';
  const totalSize = source.readInt32BE(position);
  const magic = source.readInt32BE(position + 4);
  if (totalSize === 0 && magic === 0) return 'end';
  if (magic === MESSAGE_MAGIC) return 'message';
  if (magic === BLANK_MAGIC) return 'blank';
  throw recordError(`unknown magic 0x${(magic >>> 0).toString(16)} at ${position}`);
}

export class DecodedRecord {
  readonly totalSize: number;
  readonly bodyCrc: number;
  readonly queueId: number;
  readonly flag: number;
  readonly queueOffset: number;
  readonly physicalOffset: number;
  readonly sysFlag: number;
  readonly bornTimestampMs: number;
  readonly storeTimestampMs: number;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  readonly bodyBytes: number;
  private readonly bodyStart: number;
  private cachedBody: Buffer | undefined = undefined;
  private cachedTopic: string | undefined = undefined;
  private cachedPropertiesText: string | undefined = undefined;
  private cachedProperties: MessageProperties | undefined = undefined;

  /** Use `decodeRecord`, which validates first. */
  constructor(readonly source: Buffer, readonly position: number) {
    const sysFlag = int32At(source, position + RecordPosition.SYS_FLAG);
    const reconsumeAt = position + reconsumeTimesPosition(sysFlag);
    this.totalSize = int32At(source, position);
    this.bodyCrc = int32At(source, position + RecordPosition.BODY_CRC);
    this.queueId = int32At(source, position + RecordPosition.QUEUE_ID);
    this.flag = int32At(source, position + RecordPosition.FLAG);
    this.queueOffset = longAt(source, position + RecordPosition.QUEUE_OFFSET);
    this.physicalOffset = longAt(source, position + RecordPosition.PHYSICAL_OFFSET);
    this.sysFlag = sysFlag;
    this.bornTimestampMs = longAt(source, position + RecordPosition.BORN_TIMESTAMP);
    this.storeTimestampMs = longAt(source, position + storeTimestampPosition(sysFlag));
    this.reconsumeTimes = int32At(source, reconsumeAt);
    this.preparedTransactionOffset = longAt(source, reconsumeAt + 4);
    this.bodyBytes = int32At(source, reconsumeAt + 12);
    this.bodyStart = reconsumeAt + 16;
  }

  /** The stored body (compressed when sysFlag has COMPRESSED), a view of the source. */
  get body(): Buffer {
    this.cachedBody ??= this.source.subarray(this.bodyStart, this.bodyStart + this.bodyBytes);
    return this.cachedBody;
  }

  get topic(): string {
    if (this.cachedTopic === undefined) {
      const lengthAt = this.bodyStart + this.bodyBytes;
      const topicBytes = this.source[lengthAt] as number;
      this.cachedTopic = this.source.toString('utf8', lengthAt + 1, lengthAt + 1 + topicBytes);
    }
    return this.cachedTopic;
  }

  /** The properties string as stored. */
  get propertiesText(): string {
    if (this.cachedPropertiesText === undefined) {
      const lengthAt = this.bodyStart + this.bodyBytes + 1 + (this.source[this.bodyStart + this.bodyBytes] as number);
      const propertiesBytes = this.source.readInt16BE(lengthAt);
      this.cachedPropertiesText = propertiesBytes === 0
        ? ''
        : this.source.toString('utf8', lengthAt + 2, lengthAt + 2 + propertiesBytes);
    }
    return this.cachedPropertiesText;
  }

  get properties(): MessageProperties {
    this.cachedProperties ??= decodeProperties(this.propertiesText);
    return this.cachedProperties;
  }

  get tags(): string | undefined {
    return this.properties[MessageConst.TAGS];
  }

  /** KEYS split on spaces (empty when absent). */
  get keys(): string[] {
    const keys = this.properties[MessageConst.KEYS];
    return keys === undefined ? [] : keys.split(' ').filter((key) => key.length > 0);
  }

  get bornHost(): string {
    return decodeHost(this.source, this.position + RecordPosition.BORN_HOST, (this.sysFlag & SysFlag.BORNHOST_V6) !== 0);
  }

  get storeHost(): string {
    return decodeHost(this.source, this.position + storeHostPosition(this.sysFlag),
      (this.sysFlag & SysFlag.STOREHOST_V6) !== 0);
  }

  /** The broker's offset message id: store host + physical offset (§3.5). */
  get offsetMsgId(): string {
    return encodeOffsetMsgId(this.storeHost, this.physicalOffset);
  }

  /** What Java's MessageExt.getMsgId() returns on a consumer: UNIQ_KEY, else the offset id. */
  get msgId(): string {
    return this.properties[MessageConst.UNIQ_KEY] ?? this.offsetMsgId;
  }

  /** The record's bytes (a view). */
  get bytes(): Buffer {
    return this.source.subarray(this.position, this.position + this.totalSize);
  }

  /** Every field as a plain object (tests, logs, admin output). */
  toMessageExt(): MessageExt {
    return {
      totalSize: this.totalSize, bodyCrc: this.bodyCrc, queueId: this.queueId, flag: this.flag,
      queueOffset: this.queueOffset, physicalOffset: this.physicalOffset, sysFlag: this.sysFlag,
      bornTimestampMs: this.bornTimestampMs, bornHost: this.bornHost,
      storeTimestampMs: this.storeTimestampMs, storeHost: this.storeHost,
      reconsumeTimes: this.reconsumeTimes, preparedTransactionOffset: this.preparedTransactionOffset,
      body: this.body, topic: this.topic, properties: this.properties, msgId: this.msgId,
      offsetMsgId: this.offsetMsgId,
    };
  }
}

export interface MessageExt {
  totalSize: number;
  bodyCrc: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestampMs: number;
  bornHost: string;
  storeTimestampMs: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  properties: MessageProperties;
  msgId: string;
  offsetMsgId: string;
}

function longAt(source: Buffer, position: number): number {
  const value = safeLongAt(source, position);
  if (Number.isNaN(value)) throw recordError(`long at ${position} exceeds 2^53`);
  return value;
}

/**
 * Validates the record at `position` (magic, every length, TOTALSIZE equal to the sum of the
 * parts, all inside `source`) and returns its TOTALSIZE. Throws ERR_RECORD_MALFORMED.
 */
export function checkRecord(source: Buffer, position: number): number {
  const available = source.length - position;
  if (position < 0 || available < RECORD_FIXED_BYTES_V4) throw recordError(`truncated record at ${position}`);
  const totalSize = int32At(source, position);
  const magic = int32At(source, position + RecordPosition.MAGIC);
  if (magic !== MESSAGE_MAGIC) throw recordError(`bad magic 0x${(magic >>> 0).toString(16)} at ${position}`);
  if (totalSize < RECORD_FIXED_BYTES_V4 || totalSize > available) {
    throw recordError(`record size ${totalSize} at ${position} out of range (${available} bytes left)`);
  }
  const bodyLengthAt = bodyLengthPosition(int32At(source, position + RecordPosition.SYS_FLAG));
  if (bodyLengthAt + 4 + 3 > totalSize) throw recordError(`record at ${position} too short for its hosts`);
  const bodyBytes = int32At(source, position + bodyLengthAt);
  const topicLengthAt = bodyLengthAt + 4 + bodyBytes;
  if (bodyBytes < 0 || topicLengthAt + 3 > totalSize) throw recordError(`body length ${bodyBytes} out of range`);
  const propertiesLengthAt = topicLengthAt + 1 + (source[position + topicLengthAt] as number);
  if (propertiesLengthAt + 2 > totalSize) throw recordError(`topic length out of range in the record at ${position}`);
  const propertiesBytes = int16At(source, position + propertiesLengthAt);
  if (propertiesBytes < 0 || propertiesLengthAt + 2 + propertiesBytes !== totalSize) {
    throw recordError(`properties length ${propertiesBytes} does not end the record of ${totalSize} bytes`);
  }
  return totalSize;
}

/** Decodes the message record at `position`. Throws ERR_RECORD_MALFORMED. */
export function decodeRecord(source: Buffer, position = 0): DecodedRecord {
  checkRecord(source, position);
  return new DecodedRecord(source, position);
}

/**
 * Decodes records back to back (a PULL / QUERY_MESSAGE body, a commit-log range), stopping at
 * the end of the buffer, a blank record or a zero-filled tail.
 */
export function decodeRecords(source: Buffer, start = 0, end = source.length): DecodedRecord[] {
  const view = end === source.length ? source : source.subarray(0, end);
  const records: DecodedRecord[] = [];
  let position = start;
  while (recordKindAt(view, position) === 'message') {
    const totalSize = checkRecord(view, position);
    records.push(new DecodedRecord(view, position));
    position += totalSize;
  }
  return records;
}

/** True when BODYCRC matches the body of the (already validated) record at `position`. */
export function recordCrcMatches(source: Buffer, position: number): boolean {
  const sysFlag = source.readInt32BE(position + RecordPosition.SYS_FLAG);
  const bodyLengthAt = position + bodyLengthPosition(sysFlag);
  const bodyBytes = source.readInt32BE(bodyLengthAt);
  const body = source.subarray(bodyLengthAt + 4, bodyLengthAt + 4 + bodyBytes);
  return bodyCrcOf(body) === source.readInt32BE(position + RecordPosition.BODY_CRC);
}

/** Validates the record at `position` and its body CRC; throws ERR_RECORD_MALFORMED / ERR_RECORD_CRC. */
export function verifyRecordCrc(source: Buffer, position = 0): void {
  checkRecord(source, position);
  if (!recordCrcMatches(source, position)) {
    throw new PetrelError(ErrorCode.ERR_RECORD_CRC, `body CRC mismatch in the record at ${position}`);
  }
}
