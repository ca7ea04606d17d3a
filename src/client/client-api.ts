import { type RemotingCommand, createRequest } from '../protocol/command.js';
import { decodeTopicRouteData, type TopicRouteData } from '../protocol/bodies/route.js';
import { parseFastjson, isJsonObject } from '../protocol/fastjson.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { responseError } from './errors.js';
import type { MessageQueue } from './message-queue.js';

/**
 * The SDK's requests, one function per command (Java's MQClientAPIImpl), written from the
 * per-command contracts of reference §2.3-2.5. Each builds the extFields, invokes, and turns a
 * non-success response code into an MQResponseError (except where a code is an expected
 * outcome: TOPIC_NOT_EXIST on a route query, the pull statuses, QUERY_NOT_FOUND on offsets).
 */
export interface Remoting {
  invoke(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  invokeOneway(address: string, command: RemotingCommand): Promise<void>;
  close(): void;
}

/** GET_ROUTEINFO_BY_TOPIC; null when the NameServer has no route (TOPIC_NOT_EXIST). */
export async function getTopicRoute(
  remoting: Remoting, namesrvAddr: string, topic: string, timeoutMs: number,
): Promise<TopicRouteData | null> {
  const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic, acceptStandardJsonOnly: 'true' });
  const response = await remoting.invoke(namesrvAddr, request, timeoutMs);
  if (response.code === ResponseCode.TOPIC_NOT_EXIST) return null;
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, `route of ${topic}`);
  if (response.body === null || response.body.length === 0) return null;
  return decodeTopicRouteData(response.body);
}

/** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE header (reference §2.3), long names. */
export interface SendHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  unitMode: boolean;
  maxReconsumeTimes?: number | undefined;
  batch: boolean;
  brokerName: string;
}

/** Builds SEND_MESSAGE_V2 (or SEND_BATCH_MESSAGE) with the short keys a..n Java sends. */
export function sendCommand(header: SendHeader, body: Buffer): RemotingCommand {
  const ext: Record<string, string> = {
    a: header.producerGroup,
    b: header.topic,
    c: header.defaultTopic,
    d: String(header.defaultTopicQueueNums),
    e: String(header.queueId),
    f: String(header.sysFlag),
    g: String(header.bornTimestamp),
    h: String(header.flag),
    i: header.properties,
    j: String(header.reconsumeTimes),
    k: header.unitMode ? 'true' : 'false',
    m: header.batch ? 'true' : 'false',
    n: header.brokerName,
  };
  if (header.maxReconsumeTimes !== undefined) ext['l'] = String(header.maxReconsumeTimes);
  return createRequest(header.batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2, ext, body);
}

export const PullStatus = {
  FOUND: 'FOUND',
  NO_NEW_MSG: 'NO_NEW_MSG',
  NO_MATCHED_MSG: 'NO_MATCHED_MSG',
  OFFSET_ILLEGAL: 'OFFSET_ILLEGAL',
} as const;
export type PullStatus = (typeof PullStatus)[keyof typeof PullStatus];

/** PULL_MESSAGE sysFlag bits (reference §2.4). */
export const PullSysFlag = { COMMIT_OFFSET: 0x1, SUSPEND: 0x2, SUBSCRIPTION: 0x4, CLASS_FILTER: 0x8, LITE_PULL: 0x10 } as const;

export interface PullHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription: string;
  subVersion: number;
  expressionType: string;
  brokerName: string;
}

export interface PullResponse {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  suggestWhichBrokerId: number;
  body: Buffer | null;
}

const PULL_STATUS_BY_CODE: Readonly<Record<number, PullStatus>> = {
  [ResponseCode.SUCCESS]: PullStatus.FOUND,
  [ResponseCode.PULL_NOT_FOUND]: PullStatus.NO_NEW_MSG,
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: PullStatus.NO_MATCHED_MSG,
  [ResponseCode.PULL_OFFSET_MOVED]: PullStatus.OFFSET_ILLEGAL,
};

export async function pullMessage(
  remoting: Remoting, brokerAddr: string, header: PullHeader, timeoutMs: number,
): Promise<PullResponse> {
  const request = createRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: header.consumerGroup, topic: header.topic, queueId: String(header.queueId),
    queueOffset: String(header.queueOffset), maxMsgNums: String(header.maxMsgNums),
    sysFlag: String(header.sysFlag), commitOffset: String(header.commitOffset),
    suspendTimeoutMillis: String(header.suspendTimeoutMillis), subscription: header.subscription,
    subVersion: String(header.subVersion), expressionType: header.expressionType, bname: header.brokerName,
  });
  const response = await remoting.invoke(brokerAddr, request, timeoutMs);
  const status = PULL_STATUS_BY_CODE[response.code];
  if (status === undefined) throw responseError(response, `pull ${header.topic}/${header.queueId}`);
  const ext = response.extFields ?? {};
  return {
    status,
    nextBeginOffset: numberField(ext, 'nextBeginOffset', header.queueOffset),
    minOffset: numberField(ext, 'minOffset', 0),
    maxOffset: numberField(ext, 'maxOffset', 0),
    suggestWhichBrokerId: numberField(ext, 'suggestWhichBrokerId', 0),
    body: response.body,
  };
}

function numberField(ext: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const text = ext[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : fallback;
}

function queueExt(queue: MessageQueue): Record<string, string> {
  return { topic: queue.topic, queueId: String(queue.queueId), bname: queue.brokerName };
}

/** QUERY_CONSUMER_OFFSET: the committed offset, or -1 for any non-success code (Java's rule). */
export async function queryConsumerOffset(
  remoting: Remoting, brokerAddr: string, group: string, queue: MessageQueue, timeoutMs: number,
): Promise<number> {
  const request = createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, ...queueExt(queue) });
  const response = await remoting.invoke(brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) return -1;
  return numberField(response.extFields ?? {}, 'offset', -1);
}

/** UPDATE_CONSUMER_OFFSET, oneway as Java sends it. */
export async function updateConsumerOffsetOneway(
  remoting: Remoting, brokerAddr: string, group: string, queue: MessageQueue, queueOffset: number,
): Promise<void> {
  const request = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: group, ...queueExt(queue), commitOffset: String(queueOffset),
  });
  await remoting.invokeOneway(brokerAddr, request);
}

/** UPDATE_CONSUMER_OFFSET, waiting for the answer (commitSync). */
export async function updateConsumerOffset(
  remoting: Remoting, brokerAddr: string, group: string, queue: MessageQueue, queueOffset: number, timeoutMs: number,
): Promise<void> {
  const request = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: group, ...queueExt(queue), commitOffset: String(queueOffset),
  });
  const response = await remoting.invoke(brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, 'update consumer offset');
}

async function offsetQuery(
  remoting: Remoting, brokerAddr: string, code: number, ext: Record<string, string>, timeoutMs: number,
  field: string,
): Promise<number> {
  const response = await remoting.invoke(brokerAddr, createRequest(code, ext), timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, `request ${code}`);
  return numberField(response.extFields ?? {}, field, 0);
}

export function getMaxOffset(remoting: Remoting, brokerAddr: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
  return offsetQuery(remoting, brokerAddr, RequestCode.GET_MAX_OFFSET, queueExt(queue), timeoutMs, 'offset');
}

export function getMinOffset(remoting: Remoting, brokerAddr: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
  return offsetQuery(remoting, brokerAddr, RequestCode.GET_MIN_OFFSET, queueExt(queue), timeoutMs, 'offset');
}

export function searchOffsetByTimestamp(
  remoting: Remoting, brokerAddr: string, queue: MessageQueue, timestampMs: number, timeoutMs: number,
): Promise<number> {
  return offsetQuery(remoting, brokerAddr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
    { ...queueExt(queue), timestamp: String(timestampMs) }, timeoutMs, 'offset');
}

/** GET_CONSUMER_LIST_BY_GROUP; [] when no consumer is online (code 1) or the body is empty. */
export async function getConsumerIdList(
  remoting: Remoting, brokerAddr: string, group: string, timeoutMs: number,
): Promise<string[]> {
  const request = createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group });
  const response = await remoting.invoke(brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) {
    if (response.code === ResponseCode.SYSTEM_ERROR) return [];
    throw responseError(response, `consumer list of ${group}`);
  }
  if (response.body === null || response.body.length === 0) return [];
  const parsed = parseFastjson(response.body);
  if (!isJsonObject(parsed) || !Array.isArray(parsed['consumerIdList'])) return [];
  return parsed['consumerIdList'].filter((id): id is string => typeof id === 'string');
}

export interface SendBackHeader {
  commitLogOffset: number;
  group: string;
  delayLevel: number;
  originMsgId: string;
  originTopic: string;
  maxReconsumeTimes: number;
  brokerName: string;
}

/** CONSUMER_SEND_MSG_BACK (reference §2.4, §5.2). */
export async function consumerSendMessageBack(
  remoting: Remoting, brokerAddr: string, header: SendBackHeader, timeoutMs: number,
): Promise<void> {
  const request = createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
    offset: String(header.commitLogOffset), group: header.group, delayLevel: String(header.delayLevel),
    originMsgId: header.originMsgId, originTopic: header.originTopic, unitMode: 'false',
    maxReconsumeTimes: String(header.maxReconsumeTimes), bname: header.brokerName,
  });
  const response = await remoting.invoke(brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, 'send message back');
}

/** HEART_BEAT with a HeartbeatData JSON body (reference §2.3); resolves with the broker's version. */
export async function sendHeartbeat(
  remoting: Remoting, brokerAddr: string, heartbeat: HeartbeatData, timeoutMs: number,
): Promise<number> {
  const request = createRequest(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(heartbeat), 'utf8'));
  const response = await remoting.invoke(brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, `heartbeat to ${brokerAddr}`);
  return response.version;
}

export async function unregisterClient(
  remoting: Remoting, brokerAddr: string, clientId: string, groups: { producerGroup?: string; consumerGroup?: string },
  timeoutMs: number,
): Promise<void> {
  const ext: Record<string, string> = { clientID: clientId };
  if (groups.producerGroup !== undefined) ext['producerGroup'] = groups.producerGroup;
  if (groups.consumerGroup !== undefined) ext['consumerGroup'] = groups.consumerGroup;
  const response = await remoting.invoke(brokerAddr, createRequest(RequestCode.UNREGISTER_CLIENT, ext), timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, `unregister from ${brokerAddr}`);
}

export interface HeartbeatSubscription {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

export interface HeartbeatConsumerData {
  groupName: string;
  consumeType: 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY';
  messageModel: 'CLUSTERING' | 'BROADCASTING';
  consumeFromWhere: string;
  unitMode: boolean;
  subscriptionDataSet: HeartbeatSubscription[];
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: Array<{ groupName: string }>;
  consumerDataSet: HeartbeatConsumerData[];
}
