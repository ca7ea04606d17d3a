import { type FastjsonWriteOptions, type JsonValue, keyedEntries, toFastjson } from '../fastjson.js';
import {
  type MessageQueue, messageQueueKey, messageQueueToJson, type SubscriptionData, subscriptionDataFromJson,
  subscriptionDataToJson,
} from './client.js';
import {
  asObject, parseObjectBody, readArray, readBoolean, readNumber, readString, readStringArray, toNumber,
} from './json-read.js';

/**
 * Broker admin bodies (reference §2.6). Maps keyed by MessageQueue are kept as arrays of
 * [queue, value] pairs (wire order); they are written with inline object keys by default, the
 * form a Java broker writes (`FastjsonWriteOptions` picks the string-key form instead).
 *
 * ConsumeStats        {"consumeTps":double,"offsetTable":{<MessageQueue>:{"brokerOffset":long,
 *                      "consumerOffset":long,"lastTimestamp":long,"pullOffset":long}}}
 * TopicStatsTable     {"offsetTable":{<MessageQueue>:{"lastUpdateTimestamp":long,"maxOffset":long,"minOffset":long}}}
 * ResetOffsetBody     {"offsetTable":{<MessageQueue>:long}}
 * Connection          {"clientAddr":str,"clientId":str,"language":str,"version":int}
 * ConsumerConnection  {"connectionSet":[Connection],"consumeFromWhere":str,"consumeType":str,
 *                      "messageModel":str,"subscriptionTable":{<topic>:SubscriptionData}}
 * ProducerConnection  {"connectionSet":[Connection]}
 * GroupList           {"groupList":[str]}
 * SubscriptionGroupConfig {"brokerId":long,"consumeBroadcastEnable":bool,"consumeEnable":bool,
 *                      "consumeFromMinEnable":bool,"groupName":str,"notifyConsumerIdsChangedEnable":bool,
 *                      "retryMaxTimes":int,"retryQueueNums":int,"whichBrokerWhenConsumeSlowly":long}
 */
export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  pullOffset: number;
  lastTimestamp: number;
}

export interface ConsumeStats {
  consumeTps: number;
  offsetTable: Array<[MessageQueue, OffsetWrapper]>;
}

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: Array<[MessageQueue, TopicOffset]>;
}

export interface Connection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  subscriptionTable: Record<string, SubscriptionData>;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
}

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
}

function queueMap<V>(entries: ReadonlyArray<readonly [MessageQueue, V]>, toJson: (value: V) => unknown): Map<object, unknown> {
  return new Map(entries.map(([queue, value]) => [messageQueueToJson(queue), toJson(value)]));
}

function readQueueMap<V>(value: JsonValue | undefined, fromJson: (value: JsonValue) => V): Array<[MessageQueue, V]> {
  return keyedEntries(value ?? {}).map(([key, item]) => [messageQueueKey(key), fromJson(item)]);
}

function json(value: unknown, options?: FastjsonWriteOptions): Buffer {
  return Buffer.from(toFastjson(value, options), 'utf8');
}

export function encodeConsumeStats(stats: ConsumeStats, options?: FastjsonWriteOptions): Buffer {
  return json({
    consumeTps: stats.consumeTps,
    offsetTable: queueMap(stats.offsetTable, (offsets) => ({
      brokerOffset: offsets.brokerOffset, consumerOffset: offsets.consumerOffset,
      lastTimestamp: offsets.lastTimestamp, pullOffset: offsets.pullOffset,
    })),
  }, options);
}

export function decodeConsumeStats(body: Buffer | string | null): ConsumeStats {
  const object = parseObjectBody(body, 'ConsumeStats');
  return {
    consumeTps: readNumber(object, 'consumeTps'),
    offsetTable: readQueueMap(object['offsetTable'], (item) => {
      const offsets = asObject(item, 'offsetWrapper');
      return {
        brokerOffset: readNumber(offsets, 'brokerOffset'), consumerOffset: readNumber(offsets, 'consumerOffset'),
        pullOffset: readNumber(offsets, 'pullOffset'), lastTimestamp: readNumber(offsets, 'lastTimestamp'),
      };
    }),
  };
}

export function encodeTopicStatsTable(table: TopicStatsTable, options?: FastjsonWriteOptions): Buffer {
  return json({
    offsetTable: queueMap(table.offsetTable, (offsets) => ({
      lastUpdateTimestamp: offsets.lastUpdateTimestamp, maxOffset: offsets.maxOffset, minOffset: offsets.minOffset,
    })),
  }, options);
}

export function decodeTopicStatsTable(body: Buffer | string | null): TopicStatsTable {
  const object = parseObjectBody(body, 'TopicStatsTable');
  return {
    offsetTable: readQueueMap(object['offsetTable'], (item) => {
      const offsets = asObject(item, 'topicOffset');
      return {
        minOffset: readNumber(offsets, 'minOffset'), maxOffset: readNumber(offsets, 'maxOffset'),
        lastUpdateTimestamp: readNumber(offsets, 'lastUpdateTimestamp'),
      };
    }),
  };
}

/** ResetOffsetBody: queue -> new queue offset. */
export function encodeResetOffsetBody(
  offsetTable: ReadonlyArray<readonly [MessageQueue, number]>, options?: FastjsonWriteOptions,
): Buffer {
  return json({ offsetTable: queueMap(offsetTable, (queueOffset) => queueOffset) }, options);
}

export function decodeResetOffsetBody(body: Buffer | string | null): Array<[MessageQueue, number]> {
  const object = parseObjectBody(body, 'ResetOffsetBody');
  return readQueueMap(object['offsetTable'], (item) => toNumber(item, 'offsetTable value'));
}

function connectionFromJson(value: JsonValue): Connection {
  const object = asObject(value, 'connection');
  return {
    clientId: readString(object, 'clientId'), clientAddr: readString(object, 'clientAddr'),
    language: readString(object, 'language', 'JAVA'), version: readNumber(object, 'version'),
  };
}

function connectionToJson(connection: Connection): object {
  return {
    clientAddr: connection.clientAddr, clientId: connection.clientId,
    language: connection.language, version: connection.version,
  };
}

export function encodeConsumerConnection(connection: ConsumerConnection): Buffer {
  const table: Record<string, object> = {};
  for (const [topic, data] of Object.entries(connection.subscriptionTable)) table[topic] = subscriptionDataToJson(data);
  return json({
    connectionSet: connection.connectionSet.map(connectionToJson), consumeFromWhere: connection.consumeFromWhere,
    consumeType: connection.consumeType, messageModel: connection.messageModel, subscriptionTable: table,
  });
}

export function decodeConsumerConnection(body: Buffer | string | null): ConsumerConnection {
  const object = parseObjectBody(body, 'ConsumerConnection');
  const table = asObject(object['subscriptionTable'], 'subscriptionTable');
  const subscriptionTable: Record<string, SubscriptionData> = {};
  for (const topic of Object.keys(table)) subscriptionTable[topic] = subscriptionDataFromJson(table[topic]);
  return {
    connectionSet: readArray(object, 'connectionSet').map(connectionFromJson),
    subscriptionTable,
    consumeType: readString(object, 'consumeType'),
    messageModel: readString(object, 'messageModel'),
    consumeFromWhere: readString(object, 'consumeFromWhere'),
  };
}

export function encodeProducerConnection(connectionSet: readonly Connection[]): Buffer {
  return json({ connectionSet: connectionSet.map(connectionToJson) });
}

export function decodeProducerConnection(body: Buffer | string | null): Connection[] {
  return readArray(parseObjectBody(body, 'ProducerConnection'), 'connectionSet').map(connectionFromJson);
}

export function encodeGroupList(groupList: readonly string[]): Buffer {
  return json({ groupList });
}

export function decodeGroupList(body: Buffer | string | null): string[] {
  return readStringArray(parseObjectBody(body, 'GroupList'), 'groupList');
}

/** A SubscriptionGroupConfig from JSON; absent members take Java's defaults (§2.6). */
export function subscriptionGroupConfigFromJson(value: JsonValue | undefined): SubscriptionGroupConfig {
  const object = asObject(value, 'subscriptionGroupConfig');
  return {
    groupName: readString(object, 'groupName'),
    consumeEnable: readBoolean(object, 'consumeEnable', true),
    consumeFromMinEnable: readBoolean(object, 'consumeFromMinEnable', true),
    consumeBroadcastEnable: readBoolean(object, 'consumeBroadcastEnable', true),
    retryQueueNums: readNumber(object, 'retryQueueNums', 1),
    retryMaxTimes: readNumber(object, 'retryMaxTimes', 16),
    brokerId: readNumber(object, 'brokerId', 0),
    whichBrokerWhenConsumeSlowly: readNumber(object, 'whichBrokerWhenConsumeSlowly', 1),
    notifyConsumerIdsChangedEnable: readBoolean(object, 'notifyConsumerIdsChangedEnable', true),
  };
}

export function subscriptionGroupConfigToJson(config: SubscriptionGroupConfig): object {
  return {
    brokerId: config.brokerId, consumeBroadcastEnable: config.consumeBroadcastEnable,
    consumeEnable: config.consumeEnable, consumeFromMinEnable: config.consumeFromMinEnable,
    groupName: config.groupName, notifyConsumerIdsChangedEnable: config.notifyConsumerIdsChangedEnable,
    retryMaxTimes: config.retryMaxTimes, retryQueueNums: config.retryQueueNums,
    whichBrokerWhenConsumeSlowly: config.whichBrokerWhenConsumeSlowly,
  };
}

export function decodeSubscriptionGroupConfig(body: Buffer | string | null): SubscriptionGroupConfig {
  return subscriptionGroupConfigFromJson(parseObjectBody(body, 'SubscriptionGroupConfig'));
}

export function encodeSubscriptionGroupConfig(config: SubscriptionGroupConfig): Buffer {
  return json(subscriptionGroupConfigToJson(config));
}
