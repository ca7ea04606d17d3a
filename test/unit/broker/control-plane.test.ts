// Proves the control-plane handlers against RocketMQ's contracts (reference §2.3-2.6): a
// heartbeat registers a consumer and creates %RETRY%<group>; the group's members are notified
// (oneway) when it changes; QUERY_CONSUMER_OFFSET follows Java's rule for groups without an
// offset; negative commits are ignored; topics and groups are administered; unknown codes get
// REQUEST_CODE_NOT_SUPPORTED. Runs createControlPlane with an in-memory store and fake channels.
import { describe, expect, it } from 'vitest';
import type { RemotingCommand } from '../../../src/protocol/command.js';
import { createRequest } from '../../../src/protocol/command.js';
import { parseFastjson } from '../../../src/protocol/fastjson.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { FakeChannel } from './fakes.js';
import { makeControlPlane } from './harness.js';

function heartbeat(clientID: string, group: string, topics: string[]): RemotingCommand {
  const body = {
    clientID,
    producerDataSet: [{ groupName: 'PG' }],
    consumerDataSet: [{
      groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false,
      subscriptionDataSet: topics.map((topic) => ({ topic, subString: '*', tagsSet: [], codeSet: [], subVersion: 1 })),
    }],
  };
  return createRequest(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(body)));
}

describe('control plane: client registry', () => {
  it('registers consumers by heartbeat, creates the retry topic, lists and notifies members', async () => {
    const { plane, call } = makeControlPlane();
    const first = new FakeChannel();
    const second = new FakeChannel();
    expect((await call(heartbeat('10.0.0.1@1', 'G1', ['TopicTest']), first)).code).toBe(ResponseCode.SUCCESS);
    expect(plane.topics.get('%RETRY%G1')).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    await call(heartbeat('10.0.0.2@2', 'G1', ['TopicTest']), second);
    const notices = first.sent.filter((command) => command.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
    expect(notices.length).toBeGreaterThan(0);
    expect(notices[0]?.extFields).toEqual({ consumerGroup: 'G1' });
    expect((notices[0]?.flag ?? 0) & 2).toBe(2);
    const list = await call(createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G1' }));
    expect(parseFastjson(list.body ?? '')).toEqual({ consumerIdList: ['10.0.0.1@1', '10.0.0.2@2'] });
    const before = first.sent.length;
    second.close();
    expect(first.sent.length).toBe(before + 1);
    const after = await call(createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G1' }));
    expect(parseFastjson(after.body ?? '')).toEqual({ consumerIdList: ['10.0.0.1@1'] });
    await call(createRequest(RequestCode.UNREGISTER_CLIENT, { clientID: '10.0.0.1@1', consumerGroup: 'G1' }), first);
    const gone = await call(createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G1' }));
    expect(gone.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('reports consumer and producer connections', async () => {
    const { call } = makeControlPlane();
    const channel = new FakeChannel('10.1.1.1:5555');
    await call(heartbeat('10.1.1.1@9', 'G1', ['TopicTest']), channel);
    const consumers = await call(createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'G1' }));
    expect(parseFastjson(consumers.body ?? '')).toMatchObject({
      connectionSet: [{ clientAddr: '10.1.1.1:5555', clientId: '10.1.1.1@9', language: 'JAVA' }],
      consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING',
      subscriptionTable: { TopicTest: { topic: 'TopicTest', subString: '*' } },
    });
    const producers = await call(createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG' }));
    expect(parseFastjson(producers.body ?? '')).toMatchObject({ connectionSet: [{ clientId: '10.1.1.1@9' }] });
    const none = await call(createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'nobody' }));
    expect(none.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
  });
});

describe('control plane: offsets', () => {
  const query = { consumerGroup: 'G1', topic: 'TopicTest', queueId: '0' };

  it('answers offset 0 for a fresh queue whose min offset is 0, else QUERY_NOT_FOUND', async () => {
    const { store, call } = makeControlPlane();
    const empty = await call(createRequest(RequestCode.QUERY_CONSUMER_OFFSET, query));
    expect(empty.code).toBe(ResponseCode.SUCCESS);
    expect(empty.extFields).toEqual({ offset: '0' });
    await store.put('TopicTest', 0);
    store.onDisk = true;
    expect((await call(createRequest(RequestCode.QUERY_CONSUMER_OFFSET, query))).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    store.onDisk = false;
    store.minOffsets.set('TopicTest#0', 5);
    expect((await call(createRequest(RequestCode.QUERY_CONSUMER_OFFSET, query))).code).toBe(ResponseCode.QUERY_NOT_FOUND);
  });

  it('stores commits, ignores negative ones, and answers the committed offset', async () => {
    const { plane, call } = makeControlPlane();
    const update = (commitOffset: string) =>
      call(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { ...query, commitOffset }));
    expect((await update('42')).code).toBe(ResponseCode.SUCCESS);
    expect((await update('-1')).code).toBe(ResponseCode.SUCCESS);
    const answer = await call(createRequest(RequestCode.QUERY_CONSUMER_OFFSET, query));
    expect(answer.extFields).toEqual({ offset: '42' });
    await plane.stop();
    const dump = await call(createRequest(RequestCode.GET_ALL_CONSUMER_OFFSET));
    expect(parseFastjson(dump.body ?? '')).toEqual({ offsetTable: { 'TopicTest@G1': { 0: 42 } } });
  });

  it('computes consume stats from store max offsets and commits', async () => {
    const { store, call } = makeControlPlane();
    await call(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'TopicTest', defaultTopic: 'TBW102', readQueueNums: '2', writeQueueNums: '2', perm: '6',
      topicFilterType: 'SINGLE_TAG', order: 'false',
    }));
    for (let i = 0; i < 3; i++) await store.put('TopicTest', 1);
    await call(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { ...query, queueId: '1', commitOffset: '2' }));
    const stats = await call(createRequest(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'G1' }));
    const text = stats.body?.toString('utf8') ?? '';
    expect(text).toContain('{"brokerName":"broker-a","queueId":1,"topic":"TopicTest"}:{"brokerOffset":3,"consumerOffset":2');
    expect(text).toContain('{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"brokerOffset":0,"consumerOffset":0');
  });
});

describe('control plane: administration', () => {
  const create = (topic: string) => createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic, defaultTopic: 'TBW102', readQueueNums: '4', writeQueueNums: '4', perm: '6',
    topicFilterType: 'SINGLE_TAG', order: 'false',
  });

  it('creates, lists and deletes topics; refuses system topics and bad names', async () => {
    const { plane, call } = makeControlPlane();
    expect((await call(create('TopicA'))).code).toBe(ResponseCode.SUCCESS);
    expect(plane.topics.get('TopicA')).toMatchObject({ readQueueNums: 4, writeQueueNums: 4 });
    expect((await call(create('SCHEDULE_TOPIC_XXXX'))).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await call(create('bad topic'))).code).toBe(ResponseCode.SYSTEM_ERROR);
    const all = await call(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG));
    expect(parseFastjson(all.body ?? '')).toMatchObject({ topicConfigTable: { TopicA: { topicName: 'TopicA' } } });
    const stats = await call(createRequest(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'TopicA' }));
    expect(stats.body?.toString('utf8')).toContain('"queueId":3');
    expect((await call(createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'TopicA' }))).code).toBe(0);
    expect(plane.topics.get('TopicA')).toBeUndefined();
    const missing = await call(createRequest(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'TopicA' }));
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('creates, lists and deletes subscription groups', async () => {
    const { plane, call } = makeControlPlane();
    const body = Buffer.from(JSON.stringify({ groupName: 'GX', retryMaxTimes: 2, consumeEnable: false }));
    expect((await call(createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, body))).code).toBe(0);
    expect(plane.groups.get('GX')).toMatchObject({ retryMaxTimes: 2, consumeEnable: false, retryQueueNums: 1 });
    const all = await call(createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
    expect(parseFastjson(all.body ?? '')).toMatchObject({ subscriptionGroupTable: { GX: { retryMaxTimes: 2 } } });
    await call(createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'GX' }));
    expect(plane.groups.get('GX')).toBeUndefined();
  });

  it('reads and updates the broker config, refusing unknown and blacklisted keys', async () => {
    const { plane, call } = makeControlPlane();
    const got = await call(createRequest(RequestCode.GET_BROKER_CONFIG));
    expect(got.body?.toString('utf8')).toContain('brokerName=broker-a');
    expect(got.extFields?.version).toMatch(/"counter":0/);
    const update = (text: string) => call(createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(text)));
    expect((await update('brokerPermission=4\n')).code).toBe(ResponseCode.SUCCESS);
    expect(plane.context.brokerConfig.current().brokerPermission).toBe(4);
    expect((await update('noSuchKey=1\n')).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await update('configBlackList=x\n')).code).toBe(ResponseCode.NO_PERMISSION);
  });

  it('answers runtime info, system topics and unknown codes', async () => {
    const { call } = makeControlPlane();
    const info = parseFastjson((await call(createRequest(RequestCode.GET_BROKER_RUNTIME_INFO))).body ?? '');
    expect(info).toMatchObject({ table: { brokerVersionDesc: 'V4_9_8', brokerVersion: '409' } });
    const system = parseFastjson((await call(createRequest(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER))).body ?? '');
    expect(system).toMatchObject({ topicList: expect.arrayContaining(['SCHEDULE_TOPIC_XXXX', 'broker-a']) });
    const unknown = await call(createRequest(9999));
    expect(unknown.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(unknown.remark).toBe(' request type 9999 not supported');
  });
});
