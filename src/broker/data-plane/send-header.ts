import type { ExtFields } from '../../protocol/headers/fields.js';
import { BinaryRequest } from '../../protocol/binary-request.js';
import type { RemotingCommand } from '../../protocol/command.js';
import {
  type SendMessageRequestHeader, decodeSendMessageRequestHeaderV2Bytes, decodeSendRequestHeader, usesShortSendKeys,
} from '../../protocol/headers/send-message.js';
import { RequestCode } from '../../protocol/request-code.js';

/**
 * A decoded send header (src/protocol/headers/send-message.ts: long keys for SEND_MESSAGE,
 * short keys a..n for SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE) with the optional fields
 * defaulted the way the broker reads them.
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

/**
 * The send header of a request: read straight from the frame's bytes when the request kept them
 * (a binary-header SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE from a transport that decodes those
 * lazily), else from its extFields. Throws ERR_HEADER_FIELD_MISSING naming the first missing
 * required field either way.
 */
export function decodeSendRequestOf(request: RemotingCommand): SendRequestHeader {
  if (request instanceof BinaryRequest && usesShortSendKeys(request.code)) {
    const { bytes, start, end } = request.extBytes;
    return withDefaults(request.code, decodeSendMessageRequestHeaderV2Bytes(bytes, start, end));
  }
  return decodeSendRequest(request.code, request.extFields);
}

/** Throws ERR_HEADER_FIELD_MISSING naming the first missing required field. */
export function decodeSendRequest(code: number, ext: ExtFields): SendRequestHeader {
  return withDefaults(code, decodeSendRequestHeader(code, ext));
}

function withDefaults(code: number, header: SendMessageRequestHeader): SendRequestHeader {
  return {
    producerGroup: header.producerGroup,
    topic: header.topic,
    defaultTopic: header.defaultTopic,
    defaultTopicQueueNums: header.defaultTopicQueueNums,
    queueId: header.queueId,
    sysFlag: header.sysFlag,
    bornTimestamp: header.bornTimestamp,
    flag: header.flag,
    properties: header.properties ?? '',
    reconsumeTimes: header.reconsumeTimes ?? 0,
    unitMode: header.unitMode ?? false,
    maxReconsumeTimes: header.maxReconsumeTimes,
    batch: (header.batch ?? false) || code === RequestCode.SEND_BATCH_MESSAGE,
  };
}
