import { defineHeader } from './define.js';

/**
 * Broker admin headers (reference §2.6). `*` = required.
 *
 * UPDATE_AND_CREATE_TOPIC (17)            topic* str, defaultTopic* str, readQueueNums* int,
 *                                         writeQueueNums* int, perm* int, topicFilterType* str,
 *                                         topicSysFlag int, order* bool
 * DELETE_TOPIC_IN_BROKER (215)            topic* str
 * GET_TOPIC_STATS_INFO (202)              topic* str
 * QUERY_TOPIC_CONSUME_BY_WHO (300)        topic* str
 * GET_CONSUME_STATS (208)                 consumerGroup* str, topic str
 * GET_CONSUMER_CONNECTION_LIST (203)      consumerGroup* str
 * GET_PRODUCER_CONNECTION_LIST (204)      producerGroup* str
 * DELETE_SUBSCRIPTIONGROUP (207)          groupName* str, removeOffset bool (since 4.9.0)
 * INVOKE_BROKER_TO_RESET_OFFSET (222)     topic* str, group* str, timestamp* long (-1 = max), isForce* bool
 * RESET_CONSUMER_CLIENT_OFFSET (220)      same fields (broker -> consumer, oneway)
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) topic* str, group* str, clientAddr str
 * GET_CONSUMER_RUNNING_INFO (307)         consumerGroup* str, clientId* str, jstackEnable bool
 * CONSUME_MESSAGE_DIRECTLY (309)          consumerGroup* str, clientId str, msgId str, brokerName str
 * QUERY_CONSUME_TIME_SPAN (303)           topic* str, group* str
 * GET_BROKER_CONFIG (26) response         version* str (config DataVersion JSON)
 * (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) has no header: body SubscriptionGroupConfig.)
 */

export interface CreateTopicRequestHeader {
  topic: string;
  defaultTopic: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: string;
  topicSysFlag?: number | undefined;
  order: boolean;
}
const createTopicRequest = defineHeader<CreateTopicRequestHeader>({
  topic: 'string', defaultTopic: 'string', readQueueNums: 'int', writeQueueNums: 'int', perm: 'int',
  topicFilterType: 'string', topicSysFlag: 'int?', order: 'bool',
});
export const decodeCreateTopicRequestHeader = createTopicRequest.decode;
export const encodeCreateTopicRequestHeader = createTopicRequest.encode;

/** Requests whose only field is the topic. */
export interface TopicRequestHeader {
  topic: string;
}
const topicRequest = defineHeader<TopicRequestHeader>({ topic: 'string' });
export type DeleteTopicRequestHeader = TopicRequestHeader;
export const decodeDeleteTopicRequestHeader = topicRequest.decode;
export const encodeDeleteTopicRequestHeader = topicRequest.encode;
export type GetTopicStatsInfoRequestHeader = TopicRequestHeader;
export const decodeGetTopicStatsInfoRequestHeader = topicRequest.decode;
export const encodeGetTopicStatsInfoRequestHeader = topicRequest.encode;
export type QueryTopicConsumeByWhoRequestHeader = TopicRequestHeader;
export const decodeQueryTopicConsumeByWhoRequestHeader = topicRequest.decode;
export const encodeQueryTopicConsumeByWhoRequestHeader = topicRequest.encode;

export interface GetConsumeStatsRequestHeader {
  consumerGroup: string;
  topic?: string | undefined;
}
const getConsumeStatsRequest = defineHeader<GetConsumeStatsRequestHeader>({ consumerGroup: 'string', topic: 'string?' });
export const decodeGetConsumeStatsRequestHeader = getConsumeStatsRequest.decode;
export const encodeGetConsumeStatsRequestHeader = getConsumeStatsRequest.encode;

export interface GetConsumerConnectionListRequestHeader {
  consumerGroup: string;
}
const consumerConnectionRequest = defineHeader<GetConsumerConnectionListRequestHeader>({ consumerGroup: 'string' });
export const decodeGetConsumerConnectionListRequestHeader = consumerConnectionRequest.decode;
export const encodeGetConsumerConnectionListRequestHeader = consumerConnectionRequest.encode;

export interface GetProducerConnectionListRequestHeader {
  producerGroup: string;
}
const producerConnectionRequest = defineHeader<GetProducerConnectionListRequestHeader>({ producerGroup: 'string' });
export const decodeGetProducerConnectionListRequestHeader = producerConnectionRequest.decode;
export const encodeGetProducerConnectionListRequestHeader = producerConnectionRequest.encode;

export interface DeleteSubscriptionGroupRequestHeader {
  groupName: string;
  removeOffset?: boolean | undefined;
}
const deleteSubscriptionGroupRequest = defineHeader<DeleteSubscriptionGroupRequestHeader>({
  groupName: 'string', removeOffset: 'bool?',
});
export const decodeDeleteSubscriptionGroupRequestHeader = deleteSubscriptionGroupRequest.decode;
export const encodeDeleteSubscriptionGroupRequestHeader = deleteSubscriptionGroupRequest.encode;

/** INVOKE_BROKER_TO_RESET_OFFSET and RESET_CONSUMER_CLIENT_OFFSET. */
export interface ResetOffsetRequestHeader {
  topic: string;
  group: string;
  timestamp: number;
  isForce: boolean;
}
const resetOffsetRequest = defineHeader<ResetOffsetRequestHeader>({
  topic: 'string', group: 'string', timestamp: 'long', isForce: 'bool',
});
export const decodeResetOffsetRequestHeader = resetOffsetRequest.decode;
export const encodeResetOffsetRequestHeader = resetOffsetRequest.encode;

export interface GetConsumerStatusRequestHeader {
  topic: string;
  group: string;
  clientAddr?: string | undefined;
}
const getConsumerStatusRequest = defineHeader<GetConsumerStatusRequestHeader>({
  topic: 'string', group: 'string', clientAddr: 'string?',
});
export const decodeGetConsumerStatusRequestHeader = getConsumerStatusRequest.decode;
export const encodeGetConsumerStatusRequestHeader = getConsumerStatusRequest.encode;

export interface GetConsumerRunningInfoRequestHeader {
  consumerGroup: string;
  clientId: string;
  jstackEnable?: boolean | undefined;
}
const getConsumerRunningInfoRequest = defineHeader<GetConsumerRunningInfoRequestHeader>({
  consumerGroup: 'string', clientId: 'string', jstackEnable: 'bool?',
});
export const decodeGetConsumerRunningInfoRequestHeader = getConsumerRunningInfoRequest.decode;
export const encodeGetConsumerRunningInfoRequestHeader = getConsumerRunningInfoRequest.encode;

export interface ConsumeMessageDirectlyRequestHeader {
  consumerGroup: string;
  clientId?: string | undefined;
  msgId?: string | undefined;
  brokerName?: string | undefined;
}
const consumeMessageDirectlyRequest = defineHeader<ConsumeMessageDirectlyRequestHeader>({
  consumerGroup: 'string', clientId: 'string?', msgId: 'string?', brokerName: 'string?',
});
export const decodeConsumeMessageDirectlyRequestHeader = consumeMessageDirectlyRequest.decode;
export const encodeConsumeMessageDirectlyRequestHeader = consumeMessageDirectlyRequest.encode;

export interface QueryConsumeTimeSpanRequestHeader {
  topic: string;
  group: string;
}
const queryConsumeTimeSpanRequest = defineHeader<QueryConsumeTimeSpanRequestHeader>({ topic: 'string', group: 'string' });
export const decodeQueryConsumeTimeSpanRequestHeader = queryConsumeTimeSpanRequest.decode;
export const encodeQueryConsumeTimeSpanRequestHeader = queryConsumeTimeSpanRequest.encode;

export interface GetBrokerConfigResponseHeader {
  version: string;
}
const getBrokerConfigResponse = defineHeader<GetBrokerConfigResponseHeader>({ version: 'string' });
export const decodeGetBrokerConfigResponseHeader = getBrokerConfigResponse.decode;
export const encodeGetBrokerConfigResponseHeader = getBrokerConfigResponse.encode;
