import { defineHeader } from './define.js';

/**
 * Consumer-path headers (reference §2.3, §2.4). `*` = required. TypeScript names differ from the
 * wire key only where the wire says a bare "offset" (shown as key -> field).
 *
 * QUERY_CONSUMER_OFFSET (14)       consumerGroup* str, topic* str, queueId* int, bname str
 *                        response  offset* long -> queueOffset
 * UPDATE_CONSUMER_OFFSET (15)      consumerGroup* str, topic* str, queueId* int, commitOffset* long, bname str
 * GET_MAX_OFFSET (30)              topic* str, queueId* int, bname str; response offset* long -> queueOffset
 * GET_MIN_OFFSET (31)              topic* str, queueId* int, bname str; response offset* long -> queueOffset
 * GET_EARLIEST_MSG_STORETIME (32)  topic* str, queueId* int, bname str; response timestamp* long
 * SEARCH_OFFSET_BY_TIMESTAMP (29)  topic* str, queueId* int, timestamp* long, bname str
 *                        response  offset* long -> queueOffset
 * GET_CONSUMER_LIST_BY_GROUP (38)  consumerGroup* str (response body: bodies/client.ts)
 * NOTIFY_CONSUMER_IDS_CHANGED (40) consumerGroup* str (broker -> consumer, oneway)
 * UNREGISTER_CLIENT (35)           clientID* str, producerGroup str, consumerGroup str
 * CONSUMER_SEND_MSG_BACK (36)      offset* long -> physicalOffset, group* str, delayLevel* int,
 *                                  originMsgId str, originTopic str, unitMode bool,
 *                                  maxReconsumeTimes int, bname str
 */

export interface QueryConsumerOffsetRequestHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  bname?: string | undefined;
}
const queryConsumerOffsetRequest = defineHeader<QueryConsumerOffsetRequestHeader>({
  consumerGroup: 'string', topic: 'string', queueId: 'int', bname: 'string?',
});
export const decodeQueryConsumerOffsetRequestHeader = queryConsumerOffsetRequest.decode;
export const encodeQueryConsumerOffsetRequestHeader = queryConsumerOffsetRequest.encode;

/** QUERY_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP responses. */
export interface QueueOffsetResponseHeader {
  queueOffset: number;
}
const queueOffsetResponse = defineHeader<QueueOffsetResponseHeader>({ queueOffset: { kind: 'long', key: 'offset' } });
export const decodeQueueOffsetResponseHeader = queueOffsetResponse.decode;
export const encodeQueueOffsetResponseHeader = queueOffsetResponse.encode;
export type QueryConsumerOffsetResponseHeader = QueueOffsetResponseHeader;
export const decodeQueryConsumerOffsetResponseHeader = queueOffsetResponse.decode;
export const encodeQueryConsumerOffsetResponseHeader = queueOffsetResponse.encode;
export type GetMaxOffsetResponseHeader = QueueOffsetResponseHeader;
export const decodeGetMaxOffsetResponseHeader = queueOffsetResponse.decode;
export const encodeGetMaxOffsetResponseHeader = queueOffsetResponse.encode;
export type GetMinOffsetResponseHeader = QueueOffsetResponseHeader;
export const decodeGetMinOffsetResponseHeader = queueOffsetResponse.decode;
export const encodeGetMinOffsetResponseHeader = queueOffsetResponse.encode;
export type SearchOffsetResponseHeader = QueueOffsetResponseHeader;
export const decodeSearchOffsetResponseHeader = queueOffsetResponse.decode;
export const encodeSearchOffsetResponseHeader = queueOffsetResponse.encode;

export interface UpdateConsumerOffsetRequestHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  commitOffset: number;
  bname?: string | undefined;
}
const updateConsumerOffsetRequest = defineHeader<UpdateConsumerOffsetRequestHeader>({
  consumerGroup: 'string', topic: 'string', queueId: 'int', commitOffset: 'long', bname: 'string?',
});
export const decodeUpdateConsumerOffsetRequestHeader = updateConsumerOffsetRequest.decode;
export const encodeUpdateConsumerOffsetRequestHeader = updateConsumerOffsetRequest.encode;

/** GET_MAX_OFFSET, GET_MIN_OFFSET and GET_EARLIEST_MSG_STORETIME requests. */
export interface QueueRequestHeader {
  topic: string;
  queueId: number;
  bname?: string | undefined;
}
const queueRequest = defineHeader<QueueRequestHeader>({ topic: 'string', queueId: 'int', bname: 'string?' });
export type GetMaxOffsetRequestHeader = QueueRequestHeader;
export const decodeGetMaxOffsetRequestHeader = queueRequest.decode;
export const encodeGetMaxOffsetRequestHeader = queueRequest.encode;
export type GetMinOffsetRequestHeader = QueueRequestHeader;
export const decodeGetMinOffsetRequestHeader = queueRequest.decode;
export const encodeGetMinOffsetRequestHeader = queueRequest.encode;
export type GetEarliestMsgStoretimeRequestHeader = QueueRequestHeader;
export const decodeGetEarliestMsgStoretimeRequestHeader = queueRequest.decode;
export const encodeGetEarliestMsgStoretimeRequestHeader = queueRequest.encode;

export interface GetEarliestMsgStoretimeResponseHeader {
  timestamp: number;
}
const earliestResponse = defineHeader<GetEarliestMsgStoretimeResponseHeader>({ timestamp: 'long' });
export const decodeGetEarliestMsgStoretimeResponseHeader = earliestResponse.decode;
export const encodeGetEarliestMsgStoretimeResponseHeader = earliestResponse.encode;

export interface SearchOffsetRequestHeader {
  topic: string;
  queueId: number;
  timestamp: number;
  bname?: string | undefined;
}
const searchOffsetRequest = defineHeader<SearchOffsetRequestHeader>({
  topic: 'string', queueId: 'int', timestamp: 'long', bname: 'string?',
});
export const decodeSearchOffsetRequestHeader = searchOffsetRequest.decode;
export const encodeSearchOffsetRequestHeader = searchOffsetRequest.encode;

/** GET_CONSUMER_LIST_BY_GROUP and NOTIFY_CONSUMER_IDS_CHANGED requests. */
export interface ConsumerGroupRequestHeader {
  consumerGroup: string;
}
const consumerGroupRequest = defineHeader<ConsumerGroupRequestHeader>({ consumerGroup: 'string' });
export type GetConsumerListByGroupRequestHeader = ConsumerGroupRequestHeader;
export const decodeGetConsumerListByGroupRequestHeader = consumerGroupRequest.decode;
export const encodeGetConsumerListByGroupRequestHeader = consumerGroupRequest.encode;
export type NotifyConsumerIdsChangedRequestHeader = ConsumerGroupRequestHeader;
export const decodeNotifyConsumerIdsChangedRequestHeader = consumerGroupRequest.decode;
export const encodeNotifyConsumerIdsChangedRequestHeader = consumerGroupRequest.encode;

export interface UnregisterClientRequestHeader {
  clientID: string;
  producerGroup?: string | undefined;
  consumerGroup?: string | undefined;
}
const unregisterClientRequest = defineHeader<UnregisterClientRequestHeader>({
  clientID: 'string', producerGroup: 'string?', consumerGroup: 'string?',
});
export const decodeUnregisterClientRequestHeader = unregisterClientRequest.decode;
export const encodeUnregisterClientRequestHeader = unregisterClientRequest.encode;

export interface ConsumerSendMsgBackRequestHeader {
  physicalOffset: number;
  group: string;
  delayLevel: number;
  originMsgId?: string | undefined;
  originTopic?: string | undefined;
  unitMode?: boolean | undefined;
  maxReconsumeTimes?: number | undefined;
  bname?: string | undefined;
}
const consumerSendMsgBackRequest = defineHeader<ConsumerSendMsgBackRequestHeader>({
  physicalOffset: { kind: 'long', key: 'offset' }, group: 'string', delayLevel: 'int',
  originMsgId: 'string?', originTopic: 'string?', unitMode: 'bool?', maxReconsumeTimes: 'int?', bname: 'string?',
});
export const decodeConsumerSendMsgBackRequestHeader = consumerSendMsgBackRequest.decode;
export const encodeConsumerSendMsgBackRequestHeader = consumerSendMsgBackRequest.encode;
