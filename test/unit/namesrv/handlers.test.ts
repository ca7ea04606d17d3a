// Proves the NameServer request handlers through the same RequestHandler the server uses, with
// a fake channel and a FakeClock: register → route in both JSON dialects, TOPIC_NOT_EXIST,
// unknown codes, body CRC, compressed bodies, slaves, KV config (persisted), orderTopicConf,
// QUERY_DATA_VERSION, permissions, topic lists, namesrv config get/update.
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import { type RemotingCommand, createRequest } from '../../../src/protocol/command.js';
import {
  decodeClusterInfo, decodeKvTable, decodeTopicList, decodeTopicRouteData, encodeDataVersion,
  encodeRegisterBrokerBodyCompressed,
} from '../../../src/protocol/bodies/route.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { createNamesrvRequestHandler } from '../../../src/namesrv/handlers/index.js';
import { KvConfigStore } from '../../../src/namesrv/kv-config.js';
import { FakeChannel, registerRequest, testContext, topicConfig } from './fakes.js';

function setup(overrides: Record<string, string> = {}) {
  const context = testContext(overrides);
  const handler = createNamesrvRequestHandler(context);
  const call = (request: RemotingCommand, channel = new FakeChannel()): RemotingCommand =>
    handler(request, channel) as RemotingCommand;
  return { context, call };
}

function routeRequest(topic: string, version = 409, ext: Record<string, string> = {}): RemotingCommand {
  const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic, ...ext });
  request.version = version;
  return request;
}

describe('NameServer handlers', () => {
  it('registers a broker and answers its route, standard JSON for new clients and fastjson keys for old', () => {
    const { call } = setup();
    expect(call(registerRequest({ topics: [topicConfig('TopicTest', 4)] })).code).toBe(ResponseCode.SUCCESS);
    const modern = call(routeRequest('TopicTest'));
    expect(modern.code).toBe(ResponseCode.SUCCESS);
    expect(modern.body?.toString()).toContain('"brokerAddrs":{"0":"10.0.0.1:10911"}');
    expect(JSON.parse(modern.body?.toString() ?? '')).toMatchObject({
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6 }],
    });
    const old = call(routeRequest('TopicTest', 121));
    expect(old.body?.toString()).toContain('"brokerAddrs":{0:"10.0.0.1:10911"}');
    expect(decodeTopicRouteData(old.body).brokerDatas[0]?.brokerAddrs.get(0)).toBe('10.0.0.1:10911');
    const asked = call(routeRequest('TopicTest', 121, { acceptStandardJsonOnly: 'true' }));
    expect(asked.body?.toString()).toContain('{"0":');
  });

  it('answers TOPIC_NOT_EXIST for unknown topics and REQUEST_CODE_NOT_SUPPORTED for unknown codes', () => {
    const { call } = setup();
    const missing = call(routeRequest('Nope'));
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(missing.remark).toMatch(/^No topic route info in name server for the topic: Nope/);
    const unknown = call(createRequest(9999));
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(unknown.remark).toBe(' request type 9999 not supported');
  });

  it('throws a typed error naming a missing required header field (SYSTEM_ERROR on the wire)', () => {
    const { call } = setup();
    expect(() => call(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {}))).toThrow(/topic/);
  });

  it('checks the body CRC when the broker sends one', () => {
    const { call } = setup();
    const request = registerRequest();
    const body = request.body as Buffer;
    request.extFields = { ...request.extFields, bodyCrc32: String((crc32(body) & 0x7fffffff) ^ 1) };
    expect(call(request)).toMatchObject({ code: ResponseCode.SYSTEM_ERROR, remark: 'crc32 not match' });
    request.extFields = { ...request.extFields, bodyCrc32: String(crc32(body) & 0x7fffffff) };
    expect(call(request).code).toBe(ResponseCode.SUCCESS);
  });

  it('accepts the compressed register body', () => {
    const { call } = setup();
    const request = registerRequest();
    request.body = encodeRegisterBrokerBodyCompressed({
      filterServerList: [],
      topicConfigSerializeWrapper: { dataVersion: { counter: 3, timestamp: 4 }, topicConfigTable: { Zipped: topicConfig('Zipped', 2) } },
    });
    request.extFields = { ...request.extFields, compressed: 'true' };
    expect(call(request).code).toBe(ResponseCode.SUCCESS);
    expect(decodeTopicRouteData(call(routeRequest('Zipped')).body).queueDatas[0]?.writeQueueNums).toBe(2);
  });

  it('answers a slave with its master address and HA address', () => {
    const { call } = setup();
    call(registerRequest());
    const slave = call(registerRequest({ brokerId: 1, brokerAddr: '10.0.0.2:10911', haServerAddr: '10.0.0.2:10912' }));
    expect(slave.extFields).toEqual({ masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
  });

  it('stores KV config persistently and serves it back', () => {
    const { call, context } = setup();
    const put = (key: string, value: string) => call(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'NS', key, value }));
    expect(put('k1', 'v1').code).toBe(ResponseCode.SUCCESS);
    put('k2', 'v2');
    expect(call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'k1' })).extFields).toEqual({ value: 'v1' });
    expect(call(createRequest(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'zz' })).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    call(createRequest(RequestCode.DELETE_KV_CONFIG, { namespace: 'NS', key: 'k2' }));
    const list = call(createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'NS' }));
    expect(decodeKvTable(list.body).table).toEqual({ k1: 'v1' });
    expect(call(createRequest(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'none' })).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    const path = context.config().kvConfigPath;
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ configTable: { NS: { k1: 'v1' } } });
    const reloaded = new KvConfigStore(path, silentLogger);
    reloaded.load();
    expect(reloaded.get('NS', 'k1')).toBe('v1');
  });

  it('returns ORDER_TOPIC_CONFIG on register and orderTopicConf on routes when enabled', () => {
    const { call } = setup({ orderMessageEnable: 'true' });
    call(createRequest(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicTest', value: 'broker-a:4' }));
    const registered = call(registerRequest());
    expect(decodeKvTable(registered.body).table).toEqual({ TopicTest: 'broker-a:4' });
    expect(decodeTopicRouteData(call(routeRequest('TopicTest')).body).orderTopicConf).toBe('broker-a:4');
  });

  it('reports whether a broker data version changed, refreshing liveness when not', () => {
    const { call, context } = setup();
    call(registerRequest({ counter: 5 }));
    const header = { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', clusterName: 'DefaultCluster', brokerId: '0' };
    const query = (counter: number) => call(createRequest(RequestCode.QUERY_DATA_VERSION, header,
      encodeDataVersion({ counter, timestamp: 1_700_000_000_000 })));
    context.clock.advanceMs(5000);
    expect(query(6).extFields).toEqual({ changed: 'true' });
    expect(context.routes.liveInfo('10.0.0.1:10911')?.lastUpdateMs).toBe(1_000_000);
    expect(query(5).extFields).toEqual({ changed: 'false' });
    expect(context.routes.liveInfo('10.0.0.1:10911')?.lastUpdateMs).toBe(1_005_000);
  });

  it('wipes and adds write permission with topic counts, lists topics, deletes topics', () => {
    const { call } = setup();
    call(registerRequest({ topics: [topicConfig('A'), topicConfig('B')] }));
    expect(call(createRequest(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' })).extFields)
      .toEqual({ wipeTopicCount: '2' });
    expect(call(createRequest(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' })).extFields)
      .toEqual({ addTopicCount: '2' });
    expect(decodeTopicList(call(createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).body).topicList.sort())
      .toEqual(['A', 'B']);
    expect(decodeTopicList(call(createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' })).body)
      .topicList.sort()).toEqual(['A', 'B']);
    const system = decodeTopicList(call(createRequest(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS)).body);
    expect(system).toEqual({ topicList: ['DefaultCluster', 'broker-a'], brokerAddr: '10.0.0.1:10911' });
    call(createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'A' }));
    expect(call(routeRequest('A')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    const cluster = call(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
    expect(cluster.body?.toString()).toContain('{0:"10.0.0.1:10911"}');
    expect(decodeClusterInfo(cluster.body).clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
  });

  it('prints and updates the namesrv config, refusing blacklisted and unknown keys', () => {
    const { call, context } = setup();
    expect(call(createRequest(RequestCode.GET_NAMESRV_CONFIG)).body?.toString()).toMatch(/^listenPort=9876$/m);
    const update = (text: string) => call(createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, null, Buffer.from(text)));
    expect(update('orderMessageEnable=true\n').code).toBe(ResponseCode.SUCCESS);
    expect(context.config().orderMessageEnable).toBe(true);
    expect(update('kvConfigPath=/etc/x\n')).toMatchObject({ code: ResponseCode.NO_PERMISSION });
    expect(() => update('noSuchKey=1\n')).toThrow(/noSuchKey/);
  });
});
