// Proves the offset administration commands and client housekeeping: INVOKE_BROKER_TO_RESET_OFFSET
// moves a group back by timestamp (forced) or only backwards (not forced), commits the result and
// tells online consumers oneway with RESET_CONSUMER_CLIENT_OFFSET, answering CONSUMER_NOT_ONLINE
// with nobody online; QUERY_TOPIC_CONSUME_BY_WHO lists subscribers and groups with offsets; a
// client silent past serverChannelMaxIdleTimeSeconds is dropped and its channel closed.
import { describe, expect, it } from 'vitest';
import { decodeResetOffsetBody } from '../../../src/protocol/bodies/admin.js';
import { createRequest } from '../../../src/protocol/command.js';
import { parseFastjson } from '../../../src/protocol/fastjson.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { FakeChannel } from './fakes.js';
import { makeControlPlane } from './harness.js';

const heartbeatBody = (clientID: string) => Buffer.from(JSON.stringify({
  clientID, producerDataSet: [],
  consumerDataSet: [{ groupName: 'G1', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [{ topic: 'T', subString: '*', subVersion: 1 }] }],
}));

async function withTopic() {
  const harness = makeControlPlane();
  await harness.call(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic: 'T', defaultTopic: 'TBW102', readQueueNums: '1', writeQueueNums: '1', perm: '6', topicFilterType: 'SINGLE_TAG', order: 'false',
  }));
  for (let i = 0; i < 5; i++) {
    await harness.store.put('T', 0);
    harness.clock.advanceMs(1000);
  }
  return harness;
}

describe('INVOKE_BROKER_TO_RESET_OFFSET', () => {
  const reset = (timestamp: number, isForce: boolean) => createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
    { topic: 'T', group: 'G1', timestamp: String(timestamp), isForce: String(isForce) });

  it('resets by timestamp, commits, and notifies online consumers oneway', async () => {
    const { plane, clock, call } = await withTopic();
    await call(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'G1', topic: 'T', queueId: '0', commitOffset: '4' }));
    expect((await call(reset(clock.nowMs(), true))).code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    const channel = new FakeChannel();
    await call(createRequest(RequestCode.HEART_BEAT, null, heartbeatBody('c1')), channel);
    const target = clock.nowMs() - 4500;
    const reply = await call(reset(target, true));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(decodeResetOffsetBody(reply.body)).toEqual([[{ topic: 'T', brokerName: 'broker-a', queueId: 0 }, 1]]);
    expect(plane.offsets.queryOffset('G1', 'T', 0)).toBe(1);
    const notice = channel.sent.find((command) => command.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET);
    expect(notice?.extFields).toMatchObject({ topic: 'T', group: 'G1', timestamp: String(target) });
    expect((notice?.flag ?? 0) & 2).toBe(2);
    expect((await call(reset(-1, false))).code).toBe(ResponseCode.SUCCESS);
    expect(plane.offsets.queryOffset('G1', 'T', 0)).toBe(1);
    expect((await call(reset(-1, true))).code).toBe(ResponseCode.SUCCESS);
    expect(plane.offsets.queryOffset('G1', 'T', 0)).toBe(5);
  });

  it('refuses unknown topics and groups without offsets', async () => {
    const { call } = await withTopic();
    const unknownTopic = createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'X', group: 'G1', timestamp: '0', isForce: 'true' });
    expect((await call(unknownTopic)).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await call(reset(0, true))).remark).toContain('not exist');
  });
});

describe('who consumes and idle clients', () => {
  it('lists subscribers and groups with offsets', async () => {
    const { call } = await withTopic();
    await call(createRequest(RequestCode.HEART_BEAT, null, heartbeatBody('c1')));
    await call(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'G9', topic: 'T', queueId: '0', commitOffset: '1' }));
    const reply = await call(createRequest(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'T' }));
    expect(parseFastjson(reply.body ?? '')).toEqual({ groupList: ['G1', 'G9'] });
  });

  it('drops and closes a client silent longer than the idle time', async () => {
    const { plane, clock, call } = makeControlPlane({ serverChannelMaxIdleTimeSeconds: '120' });
    const channel = new FakeChannel();
    await call(createRequest(RequestCode.HEART_BEAT, null, heartbeatBody('c1')), channel);
    clock.advanceMs(119_000);
    expect(plane.consumers.scanIdle(120_000)).toEqual([]);
    clock.advanceMs(2000);
    expect(plane.consumers.scanIdle(120_000)).toEqual([channel]);
    expect(plane.consumers.get('G1')).toBeUndefined();
  });
});
