import { int16At, int32At } from '../bytes.js';
import { readExtValue } from '../header-binary.js';
import { RequestCode } from '../request-code.js';
import {
  type ExtFields, missing, optionalString, parseBoolean, parseDecimal, parseInt32, requiredString,
} from './fields.js';

/**
 * SEND_MESSAGE (10, long keys), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) (short
 * keys), and SEND_REPLY_MESSAGE (324 long) / _V2 (325 short) (reference §2.3).
 *
 *   short long                   type    required
 *   a     producerGroup          string  yes
 *   b     topic                  string  yes
 *   c     defaultTopic           string  yes (normally TBW102)
 *   d     defaultTopicQueueNums  int     yes
 *   e     queueId                int     yes (negative: broker picks)
 *   f     sysFlag                int     yes
 *   g     bornTimestamp          long    yes (ms)
 *   h     flag                   int     yes
 *   i     properties             string  no  (§3.4)
 *   j     reconsumeTimes         int     no
 *   k     unitMode               bool    no
 *   l     maxReconsumeTimes      int     no
 *   m     batch                  bool    no
 *   n     bname                  string  no  (since 4.9.5)
 *
 * Response (all send codes): msgId* string (offset msg id; comma list for a batch),
 * queueId* int, queueOffset* long, transactionId string, plus MSG_REGION and TRACE_ON.
 *
 * Hot path: the decoders read the known keys directly and parse numbers by hand. A required
 * field absent or unparsable throws ERR_HEADER_FIELD_MISSING naming the long field name.
 */
export interface SendMessageRequestHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties?: string | undefined;
  reconsumeTimes?: number | undefined;
  unitMode?: boolean | undefined;
  maxReconsumeTimes?: number | undefined;
  batch?: boolean | undefined;
  bname?: string | undefined;
}

function int(ext: ExtFields, key: string, field: string): number {
  const text = ext === null ? undefined : ext[key];
  if (text === undefined) throw missing(field);
  const value = parseInt32(text);
  if (value === undefined) throw missing(field, text);
  return value;
}

function long(ext: ExtFields, key: string, field: string): number {
  const text = ext === null ? undefined : ext[key];
  if (text === undefined) throw missing(field);
  const value = parseDecimal(text);
  if (value === undefined) throw missing(field, text);
  return value;
}

function optionalInt(ext: ExtFields, key: string): number | undefined {
  const text = ext === null ? undefined : ext[key];
  return text === undefined ? undefined : parseInt32(text);
}

function optionalBool(ext: ExtFields, key: string): boolean | undefined {
  const text = ext === null ? undefined : ext[key];
  return text === undefined ? undefined : parseBoolean(text);
}

function string(ext: ExtFields, key: string, field: string): string {
  const text = ext === null ? undefined : ext[key];
  if (text === undefined) throw missing(field);
  return text;
}

/** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2 (short keys a..n). */
export function decodeSendMessageRequestHeaderV2(ext: ExtFields): SendMessageRequestHeader {
  return {
    producerGroup: string(ext, 'a', 'producerGroup'),
    topic: string(ext, 'b', 'topic'),
    defaultTopic: string(ext, 'c', 'defaultTopic'),
    defaultTopicQueueNums: int(ext, 'd', 'defaultTopicQueueNums'),
    queueId: int(ext, 'e', 'queueId'),
    sysFlag: int(ext, 'f', 'sysFlag'),
    bornTimestamp: long(ext, 'g', 'bornTimestamp'),
    flag: int(ext, 'h', 'flag'),
    properties: ext === null ? undefined : ext['i'],
    reconsumeTimes: optionalInt(ext, 'j'),
    unitMode: optionalBool(ext, 'k'),
    maxReconsumeTimes: optionalInt(ext, 'l'),
    batch: optionalBool(ext, 'm'),
    bname: ext === null ? undefined : ext['n'],
  };
}

/** SEND_MESSAGE / SEND_REPLY_MESSAGE (long keys). */
export function decodeSendMessageRequestHeader(ext: ExtFields): SendMessageRequestHeader {
  return {
    producerGroup: requiredString(ext, 'producerGroup'),
    topic: requiredString(ext, 'topic'),
    defaultTopic: requiredString(ext, 'defaultTopic'),
    defaultTopicQueueNums: int(ext, 'defaultTopicQueueNums', 'defaultTopicQueueNums'),
    queueId: int(ext, 'queueId', 'queueId'),
    sysFlag: int(ext, 'sysFlag', 'sysFlag'),
    bornTimestamp: long(ext, 'bornTimestamp', 'bornTimestamp'),
    flag: int(ext, 'flag', 'flag'),
    properties: optionalString(ext, 'properties'),
    reconsumeTimes: optionalInt(ext, 'reconsumeTimes'),
    unitMode: optionalBool(ext, 'unitMode'),
    maxReconsumeTimes: optionalInt(ext, 'maxReconsumeTimes'),
    batch: optionalBool(ext, 'batch'),
    bname: optionalString(ext, 'bname'),
  };
}

/** True for the request codes whose header uses the short keys. */
export function usesShortSendKeys(code: number): boolean {
  return code === RequestCode.SEND_MESSAGE_V2 || code === RequestCode.SEND_BATCH_MESSAGE
    || code === RequestCode.SEND_REPLY_MESSAGE_V2;
}

/** Decodes the send header of any send request code. */
export function decodeSendRequestHeader(code: number, ext: ExtFields): SendMessageRequestHeader {
  return usesShortSendKeys(code) ? decodeSendMessageRequestHeaderV2(ext) : decodeSendMessageRequestHeader(ext);
}

export function encodeSendMessageRequestHeaderV2(header: SendMessageRequestHeader): Record<string, string> {
  const ext: Record<string, string> = {
    a: header.producerGroup, b: header.topic, c: header.defaultTopic,
    d: String(header.defaultTopicQueueNums), e: String(header.queueId), f: String(header.sysFlag),
    g: String(header.bornTimestamp), h: String(header.flag),
  };
  if (header.properties !== undefined) ext['i'] = header.properties;
  if (header.reconsumeTimes !== undefined) ext['j'] = String(header.reconsumeTimes);
  if (header.unitMode !== undefined) ext['k'] = String(header.unitMode);
  if (header.maxReconsumeTimes !== undefined) ext['l'] = String(header.maxReconsumeTimes);
  if (header.batch !== undefined) ext['m'] = String(header.batch);
  if (header.bname !== undefined) ext['n'] = header.bname;
  return ext;
}

export function encodeSendMessageRequestHeader(header: SendMessageRequestHeader): Record<string, string> {
  const ext: Record<string, string> = {
    producerGroup: header.producerGroup, topic: header.topic, defaultTopic: header.defaultTopic,
    defaultTopicQueueNums: String(header.defaultTopicQueueNums), queueId: String(header.queueId),
    sysFlag: String(header.sysFlag), bornTimestamp: String(header.bornTimestamp), flag: String(header.flag),
  };
  if (header.properties !== undefined) ext['properties'] = header.properties;
  if (header.reconsumeTimes !== undefined) ext['reconsumeTimes'] = String(header.reconsumeTimes);
  if (header.unitMode !== undefined) ext['unitMode'] = String(header.unitMode);
  if (header.maxReconsumeTimes !== undefined) ext['maxReconsumeTimes'] = String(header.maxReconsumeTimes);
  if (header.batch !== undefined) ext['batch'] = String(header.batch);
  if (header.bname !== undefined) ext['bname'] = header.bname;
  return ext;
}

export interface SendMessageResponseHeader {
  msgId: string;
  queueId: number;
  queueOffset: number;
  transactionId?: string | undefined;
  /** ext key MSG_REGION: the broker's regionId (default "DefaultRegion"). */
  msgRegion?: string | undefined;
  /** ext key TRACE_ON: "true" unless the broker disables tracing. */
  traceOn?: boolean | undefined;
}

export function decodeSendMessageResponseHeader(ext: ExtFields): SendMessageResponseHeader {
  return {
    msgId: string(ext, 'msgId', 'msgId'),
    queueId: int(ext, 'queueId', 'queueId'),
    queueOffset: long(ext, 'queueOffset', 'queueOffset'),
    transactionId: optionalString(ext, 'transactionId'),
    msgRegion: optionalString(ext, 'MSG_REGION'),
    traceOn: optionalBool(ext, 'TRACE_ON'),
  };
}

export function encodeSendMessageResponseHeader(header: SendMessageResponseHeader): Record<string, string> {
  const ext: Record<string, string> = {
    msgId: header.msgId, queueId: String(header.queueId), queueOffset: String(header.queueOffset),
  };
  if (header.transactionId !== undefined) ext['transactionId'] = header.transactionId;
  if (header.msgRegion !== undefined) ext['MSG_REGION'] = header.msgRegion;
  if (header.traceOn !== undefined) ext['TRACE_ON'] = String(header.traceOn);
  return ext;
}

/**
 * Where each short key's value lies in a binary ext map (start, end; -1 when absent), last
 * occurrence winning as in a map. One scratch for the thread: decoding is synchronous.
 */
const SHORT_KEY_FIRST = 0x61; // 'a'
const SHORT_KEY_COUNT = 14; // 'a'..'n'
const valueRanges = new Int32Array(2 * SHORT_KEY_COUNT);

function locateShortKeys(bytes: Buffer, start: number, end: number): void {
  valueRanges.fill(-1);
  let position = start;
  while (position < end) {
    const keyBytes = int16At(bytes, position);
    const keyCode = bytes[position + 2] as number;
    position += 2 + keyBytes;
    const valueBytes = int32At(bytes, position);
    position += 4;
    const slot = keyCode - SHORT_KEY_FIRST;
    if (keyBytes === 1 && slot >= 0 && slot < SHORT_KEY_COUNT) {
      valueRanges[2 * slot] = position;
      valueRanges[2 * slot + 1] = position + valueBytes;
    }
    position += valueBytes;
  }
}

function textAt(bytes: Buffer, slot: number): string | undefined {
  const start = valueRanges[2 * slot] as number;
  return start < 0 ? undefined : readExtValue(bytes, start, valueRanges[2 * slot + 1] as number);
}

function stringAt(bytes: Buffer, slot: number, field: string): string {
  const text = textAt(bytes, slot);
  if (text === undefined) throw missing(field);
  return text;
}

/** parseDecimal over bytes: optional sign, 1..20 chars of ASCII digits, a safe integer. */
function decimalAt(bytes: Buffer, slot: number): number | undefined {
  const start = valueRanges[2 * slot] as number;
  const end = valueRanges[2 * slot + 1] as number;
  const length = end - start;
  if (length <= 0 || length > 20) return undefined;
  let position = start;
  const first = bytes[start] as number;
  if (first === 0x2d || first === 0x2b) {
    if (length === 1) return undefined;
    position++;
  }
  let value = 0;
  for (; position < end; position++) {
    const digit = (bytes[position] as number) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (!Number.isSafeInteger(value)) return undefined;
  return first === 0x2d ? -value : value;
}

function int32At32(bytes: Buffer, slot: number): number | undefined {
  const value = decimalAt(bytes, slot);
  return value === undefined || value < -2147483648 || value > 2147483647 ? undefined : value;
}

function requiredIntAt(bytes: Buffer, slot: number, field: string, long = false): number {
  if ((valueRanges[2 * slot] as number) < 0) throw missing(field);
  const value = long ? decimalAt(bytes, slot) : int32At32(bytes, slot);
  if (value === undefined) throw missing(field, textAt(bytes, slot));
  return value;
}

function optionalIntAt(bytes: Buffer, slot: number): number | undefined {
  return (valueRanges[2 * slot] as number) < 0 ? undefined : int32At32(bytes, slot);
}

/** parseBoolean over bytes: exactly "true" in any case (no other text lowercases to it). */
function optionalBoolAt(bytes: Buffer, slot: number): boolean | undefined {
  const start = valueRanges[2 * slot] as number;
  if (start < 0) return undefined;
  if ((valueRanges[2 * slot + 1] as number) - start !== 4) return false;
  return ((bytes[start] as number) | 0x20) === 0x74 && ((bytes[start + 1] as number) | 0x20) === 0x72
    && ((bytes[start + 2] as number) | 0x20) === 0x75 && ((bytes[start + 3] as number) | 0x20) === 0x65;
}

/**
 * `decodeSendMessageRequestHeaderV2` over a binary ext map still in its bytes (a BinaryRequest's
 * `extBytes`, already checked entry by entry): the same header and the same errors, in the same
 * order, without building the map. Numbers are parsed from the digits, so a send allocates only
 * its strings (group, topic, properties; short ones come from the header string cache).
 */
export function decodeSendMessageRequestHeaderV2Bytes(bytes: Buffer, start: number, end: number): SendMessageRequestHeader {
  locateShortKeys(bytes, start, end);
  return {
    producerGroup: stringAt(bytes, 0, 'producerGroup'),
    topic: stringAt(bytes, 1, 'topic'),
    defaultTopic: stringAt(bytes, 2, 'defaultTopic'),
    defaultTopicQueueNums: requiredIntAt(bytes, 3, 'defaultTopicQueueNums'),
    queueId: requiredIntAt(bytes, 4, 'queueId'),
    sysFlag: requiredIntAt(bytes, 5, 'sysFlag'),
    bornTimestamp: requiredIntAt(bytes, 6, 'bornTimestamp', true),
    flag: requiredIntAt(bytes, 7, 'flag'),
    properties: textAt(bytes, 8),
    reconsumeTimes: optionalIntAt(bytes, 9),
    unitMode: optionalBoolAt(bytes, 10),
    maxReconsumeTimes: optionalIntAt(bytes, 11),
    batch: optionalBoolAt(bytes, 12),
    bname: textAt(bytes, 13),
  };
}
