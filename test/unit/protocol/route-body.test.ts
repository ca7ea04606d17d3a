// Proves the NameServer bodies decode the bodies a Java NameServer/broker writes (the examples
// of reference §2.5, including fastjson's unquoted numeric keys and the old "topicSynFlag"
// name), round-trip through our encoders in both dialects, and that the compressed
// REGISTER_BROKER body round-trips.
import { describe, expect, it } from 'vitest';
import {
  type ClusterInfo, decodeClusterInfo, decodeKvTable, decodeRegisterBrokerBody, decodeTopicList,
  decodeTopicRouteData, encodeClusterInfo, encodeKvTable, encodeRegisterBrokerBody,
  encodeRegisterBrokerBodyCompressed, encodeTopicList, encodeTopicRouteData, type RegisterBrokerBody,
  type TopicRouteData,
} from '../../../src/protocol/bodies/route.js';

const JAVA_ROUTE = '{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},'
  + '"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},'
  + '"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';

const ROUTE: TopicRouteData = {
  orderTopicConf: undefined,
  brokerDatas: [{
    cluster: 'DefaultCluster', brokerName: 'broker-a',
    brokerAddrs: new Map([[0, '10.0.0.1:10911'], [1, '10.0.0.2:10911']]),
  }],
  queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
  filterServerTable: {},
};

describe('TopicRouteData', () => {
  it('decodes the fastjson form a Java NameServer writes', () => {
    expect(decodeTopicRouteData(Buffer.from(JAVA_ROUTE))).toEqual(ROUTE);
  });

  it('encodes the fastjson dialect byte-identical to Java', () => {
    expect(encodeTopicRouteData(ROUTE, 'fastjson').toString()).toBe(JAVA_ROUTE);
  });

  it('encodes standard JSON that JSON.parse reads, with quoted broker ids', () => {
    const text = encodeTopicRouteData(ROUTE).toString();
    expect(JSON.parse(text).brokerDatas[0].brokerAddrs).toEqual({ 0: '10.0.0.1:10911', 1: '10.0.0.2:10911' });
    expect(decodeTopicRouteData(text)).toEqual(ROUTE);
  });

  it('reads the pre-4.9 topicSynFlag name and orderTopicConf', () => {
    const text = '{"orderTopicConf":"broker-a:4","brokerDatas":[],"queueDatas":[{"brokerName":"b","perm":6,'
      + '"readQueueNums":1,"writeQueueNums":1,"topicSynFlag":3}]}';
    const route = decodeTopicRouteData(text);
    expect(route.queueDatas[0]?.topicSysFlag).toBe(3);
    expect(route.orderTopicConf).toBe('broker-a:4');
  });

  it('refuses a body that is not an object with ERR_BODY_MALFORMED', () => {
    expect(() => decodeTopicRouteData('[1]')).toThrow(expect.objectContaining({ code: 'ERR_BODY_MALFORMED' }));
    expect(() => decodeTopicRouteData('{"brokerDatas":3')).toThrow(expect.objectContaining({ code: 'ERR_BODY_MALFORMED' }));
  });
});

describe('RegisterBrokerBody', () => {
  const body: RegisterBrokerBody = {
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: 5, timestamp: 1700000000000 },
      topicConfigTable: {
        TopicTest: {
          topicName: 'TopicTest', readQueueNums: 4, writeQueueNums: 4, perm: 6,
          topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
        },
      },
    },
  };
  const javaText = '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":5,'
    + '"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":4,'
    + '"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}}';

  it('matches the reference example both ways', () => {
    expect(encodeRegisterBrokerBody(body).toString()).toBe(javaText);
    expect(decodeRegisterBrokerBody(Buffer.from(javaText))).toEqual(body);
  });

  it('round-trips the compressed form', () => {
    expect(decodeRegisterBrokerBody(encodeRegisterBrokerBodyCompressed(body), true)).toEqual(body);
  });

  it('treats an absent body as an empty table with version {0,0}', () => {
    const empty = decodeRegisterBrokerBody(null);
    expect(empty.topicConfigSerializeWrapper).toEqual({ dataVersion: { counter: 0, timestamp: 0 }, topicConfigTable: {} });
  });

  it('refuses a corrupt compressed body', () => {
    expect(() => decodeRegisterBrokerBody(Buffer.from('nope'), true))
      .toThrow(expect.objectContaining({ code: 'ERR_BODY_MALFORMED' }));
  });
});

describe('ClusterInfo, TopicList, KVTable', () => {
  it('decodes and re-encodes the reference ClusterInfo example exactly', () => {
    const text = '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a",'
      + '"cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';
    const info: ClusterInfo = decodeClusterInfo(text);
    expect(info.brokerAddrTable['broker-a']?.brokerAddrs.get(0)).toBe('10.0.0.1:10911');
    expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
    expect(encodeClusterInfo(info).toString()).toBe(text);
  });

  it('round-trips TopicList and KVTable', () => {
    const list = { topicList: ['TopicTest', 'TBW102'], brokerAddr: undefined };
    expect(encodeTopicList(list).toString()).toBe('{"topicList":["TopicTest","TBW102"]}');
    expect(decodeTopicList(encodeTopicList(list))).toEqual(list);
    const table = { table: { a: '1', 'x.y': 'z' } };
    expect(decodeKvTable(encodeKvTable(table))).toEqual(table);
  });
});
