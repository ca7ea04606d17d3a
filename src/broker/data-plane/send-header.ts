import { RequestCode } from '../../protocol/request-code.js';
import {
  type ExtFields, optionalBool, optionalInt, optionalString, requiredInt, requiredLong, requiredString,
} from '../../protocol/headers/fields.js';

/**
 * SEND_MESSAGE (10) request header with Java's long names, and SEND_MESSAGE_V2 (310) /
 * SEND_BATCH_MESSAGE (320) with the short keys a..n (reference §2.3):
 *
 *   a producerGroup* | b topic* | c defaultTopic* | d defaultTopicQueueNums* int | e queueId* int |
 *   f sysFlag* int | g bornTimestamp* long | h flag* int | i properties | j reconsumeTimes int |
 *   k unitMode bool | l maxReconsumeTimes int | m batch bool | n bname (4.9.5+)
 */
export interface SendRequestHeader {
  readonly producerGroup: string;
  readonly topic: string;
  readonly defaultTopic: string;
  readonly defaultTopicQueueNums: number;
  readonly queueId: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly flag: number;
  readonly properties: string;
  readonly reconsumeTimes: number;
  readonly unitMode: boolean;
  readonly maxReconsumeTimes: number | undefined;
  readonly batch: boolean;
}

const SHORT_KEYS = {
  producerGroup: 'a', topic: 'b', defaultTopic: 'c', defaultTopicQueueNums: 'd', queueId: 'e',
  sysFlag: 'f', bornTimestamp: 'g', flag: 'h', properties: 'i', reconsumeTimes: 'j', unitMode: 'k',
  maxReconsumeTimes: 'l', batch: 'm',
} as const;

type LongName = keyof typeof SHORT_KEYS;

/** Decodes either form by request code; throws ERR_HEADER_FIELD_MISSING naming the field. */
export function decodeSendRequest(code: number, ext: ExtFields): SendRequestHeader {
  const short = code === RequestCode.SEND_MESSAGE_V2 || code === RequestCode.SEND_BATCH_MESSAGE;
  const key = (name: LongName): string => (short ? SHORT_KEYS[name] : name);
  return {
    producerGroup: requiredString(ext, key('producerGroup')),
    topic: requiredString(ext, key('topic')),
    defaultTopic: requiredString(ext, key('defaultTopic')),
    defaultTopicQueueNums: requiredInt(ext, key('defaultTopicQueueNums')),
    queueId: requiredInt(ext, key('queueId')),
    sysFlag: requiredInt(ext, key('sysFlag')),
    bornTimestamp: requiredLong(ext, key('bornTimestamp')),
    flag: requiredInt(ext, key('flag')),
    properties: optionalString(ext, key('properties')) ?? '',
    reconsumeTimes: optionalInt(ext, key('reconsumeTimes')) ?? 0,
    unitMode: optionalBool(ext, key('unitMode')) ?? false,
    maxReconsumeTimes: optionalInt(ext, key('maxReconsumeTimes')),
    batch: (optionalBool(ext, key('batch')) ?? false) || code === RequestCode.SEND_BATCH_MESSAGE,
  };
}
