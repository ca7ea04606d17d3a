import { isJsonObject, type JsonValue, toFastjson } from '../fastjson.js';
import {
  asObject, malformedBody, parseObjectBody, readArray, readBoolean, readNumber, readOptionalString,
  readString, readStringArray,
} from './json-read.js';

/**
 * Client registration and queue-lock bodies (reference §2.3, §2.4). Members in fastjson order.
 *
 * HeartbeatData        {"clientID":str,"consumerDataSet":[ConsumerData],"producerDataSet":[{"groupName":str}]}
 * ConsumerData         {"consumeFromWhere":str,"consumeType":"CONSUME_ACTIVELY"|"CONSUME_PASSIVELY",
 *                       "groupName":str,"messageModel":"CLUSTERING"|"BROADCASTING",
 *                       "subscriptionDataSet":[SubscriptionData],"unitMode":bool}
 * SubscriptionData     {"classFilterMode":bool,"codeSet":[int],"expressionType":"TAG"|"SQL92" (absent = TAG),
 *                       "subString":str,"subVersion":long,"tagsSet":[str],"topic":str}
 * MessageQueue         {"brokerName":str,"queueId":int,"topic":str}
 * LockBatchRequestBody {"clientId":str,"consumerGroup":str,"mqSet":[MessageQueue]} (also UNLOCK_BATCH_MQ)
 * LockBatchResponseBody {"lockOKMQSet":[MessageQueue]}
 * GetConsumerListByGroupResponseBody {"consumerIdList":[str]}
 */
export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  unitMode: boolean;
  subscriptionDataSet: SubscriptionData[];
}

export interface ProducerData {
  groupName: string;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
}

export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  mqSet: MessageQueue[];
}

export function subscriptionDataFromJson(value: JsonValue | undefined): SubscriptionData {
  const object = asObject(value, 'subscriptionData');
  return {
    topic: readString(object, 'topic'),
    subString: readString(object, 'subString'),
    tagsSet: readStringArray(object, 'tagsSet'),
    codeSet: readArray(object, 'codeSet').map((code) => {
      if (typeof code !== 'number') throw malformedBody('codeSet holds a non-number');
      return code;
    }),
    subVersion: readNumber(object, 'subVersion'),
    expressionType: readOptionalString(object, 'expressionType') ?? 'TAG',
    classFilterMode: readBoolean(object, 'classFilterMode'),
  };
}

export function subscriptionDataToJson(data: SubscriptionData): object {
  return {
    classFilterMode: data.classFilterMode, codeSet: data.codeSet, expressionType: data.expressionType,
    subString: data.subString, subVersion: data.subVersion, tagsSet: data.tagsSet, topic: data.topic,
  };
}

function consumerDataFromJson(value: JsonValue | undefined): ConsumerData {
  const object = asObject(value, 'consumerData');
  return {
    groupName: readString(object, 'groupName'),
    consumeType: readString(object, 'consumeType'),
    messageModel: readString(object, 'messageModel', 'CLUSTERING'),
    consumeFromWhere: readString(object, 'consumeFromWhere'),
    unitMode: readBoolean(object, 'unitMode'),
    subscriptionDataSet: readArray(object, 'subscriptionDataSet').map(subscriptionDataFromJson),
  };
}

export function decodeHeartbeatData(body: Buffer | string | null): HeartbeatData {
  const object = parseObjectBody(body, 'HeartbeatData');
  return {
    clientID: readString(object, 'clientID'),
    producerDataSet: readArray(object, 'producerDataSet')
      .map((item) => ({ groupName: readString(asObject(item, 'producerData'), 'groupName') })),
    consumerDataSet: readArray(object, 'consumerDataSet').map(consumerDataFromJson),
  };
}

export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  return Buffer.from(toFastjson({
    clientID: data.clientID,
    consumerDataSet: data.consumerDataSet.map((consumer) => ({
      consumeFromWhere: consumer.consumeFromWhere, consumeType: consumer.consumeType,
      groupName: consumer.groupName, messageModel: consumer.messageModel,
      subscriptionDataSet: consumer.subscriptionDataSet.map(subscriptionDataToJson), unitMode: consumer.unitMode,
    })),
    producerDataSet: data.producerDataSet.map((producer) => ({ groupName: producer.groupName })),
  }), 'utf8');
}

export function messageQueueFromJson(value: JsonValue | undefined): MessageQueue {
  const object = asObject(value, 'messageQueue');
  return {
    topic: readString(object, 'topic'),
    brokerName: readString(object, 'brokerName'),
    queueId: readNumber(object, 'queueId'),
  };
}

/** fastjson order; also the key text of Map<MessageQueue, X> bodies. */
export function messageQueueToJson(queue: MessageQueue): object {
  return { brokerName: queue.brokerName, queueId: queue.queueId, topic: queue.topic };
}

export function decodeLockBatchRequestBody(body: Buffer | string | null): LockBatchRequestBody {
  const object = parseObjectBody(body, 'LockBatchRequestBody');
  return {
    consumerGroup: readString(object, 'consumerGroup'),
    clientId: readString(object, 'clientId'),
    mqSet: readArray(object, 'mqSet').map(messageQueueFromJson),
  };
}

export function encodeLockBatchRequestBody(request: LockBatchRequestBody): Buffer {
  return Buffer.from(toFastjson({
    clientId: request.clientId, consumerGroup: request.consumerGroup,
    mqSet: request.mqSet.map(messageQueueToJson),
  }), 'utf8');
}

export const decodeUnlockBatchRequestBody = decodeLockBatchRequestBody;
export const encodeUnlockBatchRequestBody = encodeLockBatchRequestBody;

export function decodeLockBatchResponseBody(body: Buffer | string | null): MessageQueue[] {
  return readArray(parseObjectBody(body, 'LockBatchResponseBody'), 'lockOKMQSet').map(messageQueueFromJson);
}

export function encodeLockBatchResponseBody(lockOKMQSet: readonly MessageQueue[]): Buffer {
  return Buffer.from(toFastjson({ lockOKMQSet: lockOKMQSet.map(messageQueueToJson) }), 'utf8');
}

export function decodeConsumerIdList(body: Buffer | string | null): string[] {
  return readStringArray(parseObjectBody(body, 'GetConsumerListByGroupResponseBody'), 'consumerIdList');
}

export function encodeConsumerIdList(consumerIdList: readonly string[]): Buffer {
  return Buffer.from(toFastjson({ consumerIdList }), 'utf8');
}

/** A MessageQueue map key in either wire form (inline object, or a JSON string of it). */
export function messageQueueKey(key: JsonValue): MessageQueue {
  if (!isJsonObject(key)) throw malformedBody('map key is not a MessageQueue');
  return messageQueueFromJson(key);
}
