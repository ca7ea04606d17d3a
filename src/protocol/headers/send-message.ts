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
