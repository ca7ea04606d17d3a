import type { JsonObject, JsonValue } from '../protocol/fastjson.js';
import { isJsonObject } from '../protocol/fastjson.js';
import {
  malformedBody, parseObjectBody, readArray, readBoolean, readNumber, readString, readStringArray,
} from '../protocol/bodies/json-read.js';

/**
 * HEART_BEAT's body (reference §2.3, real-clients §1.3): HeartbeatData JSON.
 *
 *   {"clientID":str,"producerDataSet":[{"groupName":str}],
 *    "consumerDataSet":[{"groupName","consumeType","messageModel","consumeFromWhere","unitMode",
 *      "subscriptionDataSet":[SubscriptionData]}]}
 *   SubscriptionData {"classFilterMode":bool,"codeSet":[int],"expressionType":"TAG"|"SQL92",
 *      "subString":str,"subVersion":long,"tagsSet":[str],"topic":str}
 *
 * ali-ons omits `expressionType` (so TAG) and sends numbers where Java sends strings; both are
 * accepted.
 */
export interface SubscriptionData {
  classFilterMode: boolean;
  codeSet: number[];
  expressionType: string;
  subString: string;
  subVersion: number;
  tagsSet: string[];
  topic: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  unitMode: boolean;
  subscriptionDataSet: SubscriptionData[];
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: Array<{ groupName: string }>;
  consumerDataSet: ConsumerData[];
}

export function decodeHeartbeatData(body: Buffer | null): HeartbeatData {
  const root = parseObjectBody(body, 'HeartbeatData');
  const clientID = readString(root, 'clientID');
  if (clientID === '') throw malformedBody('HeartbeatData: clientID is missing');
  return {
    clientID,
    producerDataSet: readArray(root, 'producerDataSet').map((item) => ({
      groupName: readString(objectOf(item, 'producerData'), 'groupName'),
    })),
    consumerDataSet: readArray(root, 'consumerDataSet').map(readConsumerData),
  };
}

function readConsumerData(item: JsonValue): ConsumerData {
  const object = objectOf(item, 'consumerData');
  return {
    groupName: readString(object, 'groupName'),
    consumeType: readString(object, 'consumeType', 'CONSUME_PASSIVELY'),
    messageModel: readString(object, 'messageModel', 'CLUSTERING'),
    consumeFromWhere: readString(object, 'consumeFromWhere', 'CONSUME_FROM_LAST_OFFSET'),
    unitMode: readBoolean(object, 'unitMode'),
    subscriptionDataSet: readArray(object, 'subscriptionDataSet').map(readSubscriptionData),
  };
}

export function readSubscriptionData(item: JsonValue): SubscriptionData {
  const object = objectOf(item, 'subscriptionData');
  return {
    classFilterMode: readBoolean(object, 'classFilterMode'),
    codeSet: readArray(object, 'codeSet').map((code) => (typeof code === 'number' ? code : Number(code))),
    expressionType: readString(object, 'expressionType', 'TAG'),
    subString: readString(object, 'subString', '*'),
    subVersion: readNumber(object, 'subVersion'),
    tagsSet: readStringArray(object, 'tagsSet'),
    topic: readString(object, 'topic'),
  };
}

function objectOf(value: JsonValue, what: string): JsonObject {
  if (!isJsonObject(value)) throw malformedBody(`HeartbeatData: ${what} is not an object`);
  return value;
}
