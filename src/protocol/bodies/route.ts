import { deflateSync, inflateSync } from 'node:zlib';
import { type JsonObject, type JsonValue, keyedEntries, parseFastjson, toFastjson } from '../fastjson.js';
import {
  asObject, malformedBody, parseObjectBody, readArray, readBoolean, readNumber, readOptionalString,
  readString, readStringArray, readStringMap, toNumber,
} from './json-read.js';

/**
 * NameServer bodies (reference §2.5, §1.6). Members are written in fastjson's order
 * (alphabetical bean properties) so our bytes look like a Java peer's.
 *
 * DataVersion                 {"counter":long,"timestamp":long}
 * TopicConfig                 {"order":bool,"perm":int,"readQueueNums":int,"topicFilterType":"SINGLE_TAG"|"MULTI_TAG",
 *                              "topicName":str,"topicSysFlag":int,"writeQueueNums":int}
 * TopicConfigSerializeWrapper {"dataVersion":DataVersion,"topicConfigTable":{<topic>:TopicConfig}}
 * RegisterBrokerBody          {"filterServerList":[str],"topicConfigSerializeWrapper":TopicConfigSerializeWrapper}
 *                             or, with header compressed=true, the zlib form (see encodeRegisterBrokerBodyCompressed)
 * BrokerData                  {"brokerAddrs":{<brokerId long>:"ip:port"},"brokerName":str,"cluster":str}
 * QueueData                   {"brokerName":str,"perm":int,"readQueueNums":int,"topicSysFlag":int,"writeQueueNums":int}
 *                             (<= 4.8.x names the last-but-one member "topicSynFlag"; both are read)
 * TopicRouteData              {"brokerDatas":[BrokerData],"filterServerTable":{<brokerAddr>:[str]},
 *                              "orderTopicConf":str (optional),"queueDatas":[QueueData]}
 * ClusterInfo                 {"brokerAddrTable":{<brokerName>:BrokerData},"clusterAddrTable":{<cluster>:[brokerName]}}
 * TopicList                   {"brokerAddr":str (optional),"topicList":[str]}
 * KVTable                     {"table":{<key>:str}}
 */

export interface DataVersion {
  counter: number;
  timestamp: number;
}

export const TopicFilterType = { SINGLE_TAG: 'SINGLE_TAG', MULTI_TAG: 'MULTI_TAG' } as const;
export type TopicFilterType = (typeof TopicFilterType)[keyof typeof TopicFilterType];

/** Permission bits of topics, queues and brokers (PermName). */
export const Perm = { INHERIT: 1, WRITE: 2, READ: 4, PRIORITY: 8 } as const;

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
}

export interface TopicConfigSerializeWrapper {
  dataVersion: DataVersion;
  topicConfigTable: Record<string, TopicConfig>;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId (0 = master) to "ip:port". */
  brokerAddrs: Map<number, string>;
}

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface TopicRouteData {
  orderTopicConf?: string | undefined;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Record<string, string[]>;
}

export interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  clusterAddrTable: Record<string, string[]>;
}

export interface TopicList {
  topicList: string[];
  brokerAddr?: string | undefined;
}

export interface KVTable {
  table: Record<string, string>;
}

/** Body encoding choice (§1.6 point 3): 'standard' quotes numeric keys; 'fastjson' writes them bare. */
export type JsonDialect = 'standard' | 'fastjson';

function encodeJson(value: unknown, dialect: JsonDialect = 'standard'): Buffer {
  return Buffer.from(toFastjson(value, { numberKeys: dialect === 'fastjson' ? 'bare' : 'quoted' }), 'utf8');
}

// ---- DataVersion ----

export function dataVersionFromJson(value: JsonValue | undefined): DataVersion {
  const object = asObject(value, 'dataVersion');
  return { counter: readNumber(object, 'counter'), timestamp: readNumber(object, 'timestamp') };
}

function dataVersionToJson(version: DataVersion): object {
  return { counter: version.counter, timestamp: version.timestamp };
}

export function encodeDataVersion(version: DataVersion): Buffer {
  return encodeJson(dataVersionToJson(version));
}

export function decodeDataVersion(body: Buffer | string | null): DataVersion {
  return dataVersionFromJson(parseObjectBody(body, 'DataVersion'));
}

export function dataVersionEquals(left: DataVersion, right: DataVersion): boolean {
  return left.counter === right.counter && left.timestamp === right.timestamp;
}

// ---- TopicConfig and its wrapper ----

export function topicConfigFromJson(value: JsonValue | undefined, fallbackName = ''): TopicConfig {
  const object = asObject(value, 'topicConfig');
  const filter = readString(object, 'topicFilterType', TopicFilterType.SINGLE_TAG);
  return {
    topicName: readString(object, 'topicName', fallbackName),
    readQueueNums: readNumber(object, 'readQueueNums', 16),
    writeQueueNums: readNumber(object, 'writeQueueNums', 16),
    perm: readNumber(object, 'perm', Perm.READ | Perm.WRITE),
    topicFilterType: filter === TopicFilterType.MULTI_TAG ? TopicFilterType.MULTI_TAG : TopicFilterType.SINGLE_TAG,
    topicSysFlag: readNumber(object, 'topicSysFlag'),
    order: readBoolean(object, 'order'),
  };
}

export function topicConfigToJson(config: TopicConfig): object {
  return {
    order: config.order, perm: config.perm, readQueueNums: config.readQueueNums,
    topicFilterType: config.topicFilterType, topicName: config.topicName,
    topicSysFlag: config.topicSysFlag, writeQueueNums: config.writeQueueNums,
  };
}

export function topicConfigWrapperFromJson(value: JsonValue | undefined): TopicConfigSerializeWrapper {
  const object = asObject(value, 'topicConfigSerializeWrapper');
  const table = asObject(object['topicConfigTable'], 'topicConfigTable');
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const name of Object.keys(table)) topicConfigTable[name] = topicConfigFromJson(table[name], name);
  return { dataVersion: dataVersionFromJson(object['dataVersion']), topicConfigTable };
}

export function topicConfigWrapperToJson(wrapper: TopicConfigSerializeWrapper): object {
  const table: Record<string, object> = {};
  for (const [name, config] of Object.entries(wrapper.topicConfigTable)) table[name] = topicConfigToJson(config);
  return { dataVersion: dataVersionToJson(wrapper.dataVersion), topicConfigTable: table };
}

export function encodeTopicConfigSerializeWrapper(wrapper: TopicConfigSerializeWrapper): Buffer {
  return encodeJson(topicConfigWrapperToJson(wrapper));
}

export function decodeTopicConfigSerializeWrapper(body: Buffer | string | null): TopicConfigSerializeWrapper {
  return topicConfigWrapperFromJson(parseObjectBody(body, 'TopicConfigSerializeWrapper'));
}

// ---- RegisterBrokerBody ----

export function encodeRegisterBrokerBody(body: RegisterBrokerBody): Buffer {
  return encodeJson({
    filterServerList: body.filterServerList,
    topicConfigSerializeWrapper: topicConfigWrapperToJson(body.topicConfigSerializeWrapper),
  });
}

/**
 * Decodes a REGISTER_BROKER body. An absent body gives an empty table with DataVersion {0,0}
 * (§2.5); a body without `topicConfigSerializeWrapper` is an old broker's bare wrapper.
 */
export function decodeRegisterBrokerBody(body: Buffer | null, compressed = false): RegisterBrokerBody {
  if (body === null || body.length === 0) {
    return {
      topicConfigSerializeWrapper: { dataVersion: { counter: 0, timestamp: 0 }, topicConfigTable: {} },
      filterServerList: [],
    };
  }
  if (compressed) return decodeRegisterBrokerBodyCompressed(body);
  const object = parseObjectBody(body, 'RegisterBrokerBody');
  if (object['topicConfigSerializeWrapper'] === undefined && object['topicConfigTable'] !== undefined) {
    return { topicConfigSerializeWrapper: topicConfigWrapperFromJson(object), filterServerList: [] };
  }
  return {
    topicConfigSerializeWrapper: topicConfigWrapperFromJson(object['topicConfigSerializeWrapper']),
    filterServerList: readStringArray(object, 'filterServerList'),
  };
}

/**
 * The 4.9.x compressed form (header compressed=true): zlib(level 9) of, big-endian,
 * `i32 len | DataVersion JSON | i32 topicCount | { i32 len | "<name> <read> <write> <perm> <filterType>" }* |
 * i32 len | filterServerList JSON`. topicSysFlag and order are not carried.
 */
export function encodeRegisterBrokerBodyCompressed(body: RegisterBrokerBody): Buffer {
  const parts: Buffer[] = [];
  const pushSized = (bytes: Buffer): void => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(bytes.length, 0);
    parts.push(size, bytes);
  };
  pushSized(encodeDataVersion(body.topicConfigSerializeWrapper.dataVersion));
  const configs = Object.values(body.topicConfigSerializeWrapper.topicConfigTable);
  const count = Buffer.alloc(4);
  count.writeInt32BE(configs.length, 0);
  parts.push(count);
  for (const config of configs) {
    const line = [config.topicName, config.readQueueNums, config.writeQueueNums, config.perm, config.topicFilterType];
    pushSized(Buffer.from(line.join(' '), 'utf8'));
  }
  pushSized(encodeJson(body.filterServerList));
  return deflateSync(Buffer.concat(parts), { level: 9 });
}

export function decodeRegisterBrokerBodyCompressed(body: Buffer): RegisterBrokerBody {
  let plain: Buffer;
  try {
    plain = inflateSync(body);
  } catch (error) {
    throw malformedBody(`RegisterBrokerBody: zlib: ${(error as Error).message}`);
  }
  let position = 0;
  const readSized = (): Buffer => {
    if (position + 4 > plain.length) throw malformedBody('RegisterBrokerBody: truncated');
    const size = plain.readInt32BE(position);
    position += 4;
    if (size < 0 || position + size > plain.length) throw malformedBody('RegisterBrokerBody: bad length');
    position += size;
    return plain.subarray(position - size, position);
  };
  const dataVersion = decodeDataVersion(readSized());
  if (position + 4 > plain.length) throw malformedBody('RegisterBrokerBody: truncated');
  const topicCount = plain.readInt32BE(position);
  position += 4;
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (let i = 0; i < topicCount; i++) {
    const config = topicConfigFromLine(readSized().toString('utf8'));
    topicConfigTable[config.topicName] = config;
  }
  const filterServerList = readStringArray({ list: parseFastjson(readSized()) }, 'list');
  return { topicConfigSerializeWrapper: { dataVersion, topicConfigTable }, filterServerList };
}

function topicConfigFromLine(line: string): TopicConfig {
  const fields = line.split(' ');
  if (fields.length < 5) throw malformedBody(`RegisterBrokerBody: bad topic line ${JSON.stringify(line)}`);
  const [name, read, write, perm, filter] = fields as [string, string, string, string, string];
  return {
    topicName: name,
    readQueueNums: toNumber(read, 'readQueueNums'),
    writeQueueNums: toNumber(write, 'writeQueueNums'),
    perm: toNumber(perm, 'perm'),
    topicFilterType: filter === TopicFilterType.MULTI_TAG ? TopicFilterType.MULTI_TAG : TopicFilterType.SINGLE_TAG,
    topicSysFlag: 0,
    order: false,
  };
}

// ---- BrokerData, QueueData, TopicRouteData ----

export function brokerDataFromJson(value: JsonValue | undefined): BrokerData {
  const object = asObject(value, 'brokerData');
  const brokerAddrs = new Map<number, string>();
  for (const [key, address] of keyedEntries(object['brokerAddrs'] ?? {})) {
    const brokerId = toNumber(key as JsonValue, 'brokerAddrs key');
    if (typeof address === 'string') brokerAddrs.set(brokerId, address);
  }
  return { cluster: readString(object, 'cluster'), brokerName: readString(object, 'brokerName'), brokerAddrs };
}

function brokerDataToJson(data: BrokerData): object {
  const addrs = new Map([...data.brokerAddrs].sort((left, right) => left[0] - right[0]));
  return { brokerAddrs: addrs, brokerName: data.brokerName, cluster: data.cluster };
}

export function queueDataFromJson(value: JsonValue | undefined): QueueData {
  const object = asObject(value, 'queueData');
  return {
    brokerName: readString(object, 'brokerName'),
    readQueueNums: readNumber(object, 'readQueueNums'),
    writeQueueNums: readNumber(object, 'writeQueueNums'),
    perm: readNumber(object, 'perm'),
    topicSysFlag: readNumber(object, 'topicSysFlag', readNumber(object, 'topicSynFlag')),
  };
}

function queueDataToJson(data: QueueData): object {
  return {
    brokerName: data.brokerName, perm: data.perm, readQueueNums: data.readQueueNums,
    topicSysFlag: data.topicSysFlag, writeQueueNums: data.writeQueueNums,
  };
}

export function topicRouteDataFromJson(object: JsonObject): TopicRouteData {
  const filterTable = asObject(object['filterServerTable'], 'filterServerTable');
  const filterServerTable: Record<string, string[]> = {};
  for (const address of Object.keys(filterTable)) filterServerTable[address] = readStringArray(filterTable, address);
  return {
    orderTopicConf: readOptionalString(object, 'orderTopicConf'),
    queueDatas: readArray(object, 'queueDatas').map(queueDataFromJson),
    brokerDatas: readArray(object, 'brokerDatas').map(brokerDataFromJson),
    filterServerTable,
  };
}

/** `dialect` 'fastjson' reproduces a NameServer answering a client older than 4.9.4 (§1.6.3). */
export function encodeTopicRouteData(route: TopicRouteData, dialect: JsonDialect = 'standard'): Buffer {
  return encodeJson({
    brokerDatas: route.brokerDatas.map(brokerDataToJson),
    filterServerTable: route.filterServerTable,
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map(queueDataToJson),
  }, dialect);
}

export function decodeTopicRouteData(body: Buffer | string | null): TopicRouteData {
  return topicRouteDataFromJson(parseObjectBody(body, 'TopicRouteData'));
}

// ---- ClusterInfo, TopicList, KVTable ----

/** ClusterInfo is always written in the fastjson form by Java (§2.5); `dialect` defaults to that. */
export function encodeClusterInfo(info: ClusterInfo, dialect: JsonDialect = 'fastjson'): Buffer {
  const table: Record<string, object> = {};
  for (const [name, data] of Object.entries(info.brokerAddrTable)) table[name] = brokerDataToJson(data);
  return encodeJson({ brokerAddrTable: table, clusterAddrTable: info.clusterAddrTable }, dialect);
}

export function decodeClusterInfo(body: Buffer | string | null): ClusterInfo {
  const object = parseObjectBody(body, 'ClusterInfo');
  const table = asObject(object['brokerAddrTable'], 'brokerAddrTable');
  const brokerAddrTable: Record<string, BrokerData> = {};
  for (const name of Object.keys(table)) brokerAddrTable[name] = brokerDataFromJson(table[name]);
  const clusters = asObject(object['clusterAddrTable'], 'clusterAddrTable');
  const clusterAddrTable: Record<string, string[]> = {};
  for (const name of Object.keys(clusters)) clusterAddrTable[name] = readStringArray(clusters, name);
  return { brokerAddrTable, clusterAddrTable };
}

export function encodeTopicList(list: TopicList): Buffer {
  return encodeJson({ brokerAddr: list.brokerAddr, topicList: list.topicList });
}

export function decodeTopicList(body: Buffer | string | null): TopicList {
  const object = parseObjectBody(body, 'TopicList');
  return { topicList: readStringArray(object, 'topicList'), brokerAddr: readOptionalString(object, 'brokerAddr') };
}

export function encodeKvTable(table: KVTable): Buffer {
  return encodeJson({ table: table.table });
}

export function decodeKvTable(body: Buffer | string | null): KVTable {
  return { table: readStringMap(parseObjectBody(body, 'KVTable'), 'table') };
}
