// Proves retry/DLQ and the delay scheduler (reference §5.1, §5.2): the send-back decision for
// every branch, the stored copy's properties, delay-level parsing, and the full path of a
// CONSUMER_SEND_MSG_BACK: parked in SCHEDULE_TOPIC_XXXX queue level-1 with the due time as
// tagsCode, then redelivered to %RETRY%<group> by the scheduler once a FakeClock passes the due
// time (not before), and to %DLQ%<group> after maxReconsumeTimes. In-memory store.
import { describe, expect, it } from 'vitest';
import { buildSendBackMessage, decideSendBack } from '../../../src/broker/retry-policy.js';
import { clampDelayLevel, parseDelayLevels } from '../../../src/broker/schedule/delay-levels.js';
import { createRequest } from '../../../src/protocol/command.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { encodeOffsetMsgId } from '../../../src/protocol/message-id.js';
import type { StoredMessage } from '../../../src/broker/store-facade.js';
import { makeControlPlane } from './harness.js';

describe('delay levels', () => {
  it('parses RocketMQ units and refuses garbage', () => {
    const levels = parseDelayLevels('1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h');
    expect(levels).toHaveLength(18);
    expect(levels[0]).toBe(1000);
    expect(levels[2]).toBe(10_000);
    expect(levels[17]).toBe(7_200_000);
    expect(parseDelayLevels('1d')).toEqual([86_400_000]);
    expect(() => parseDelayLevels('1x')).toThrow(/messageDelayLevel/);
    expect(() => parseDelayLevels('')).toThrow(/messageDelayLevel/);
    expect(clampDelayLevel(40, levels)).toBe(18);
  });
});

describe('send-back decision', () => {
  const base = { group: 'G1', maxReconsumeTimes: 16, requestedDelayLevel: 0 };
  it('retries with level 3 + reconsumeTimes, honours an explicit level, and dead-letters', () => {
    expect(decideSendBack({ ...base, reconsumeTimes: 0 })).toEqual({ kind: 'retry', topic: '%RETRY%G1', delayLevel: 3 });
    expect(decideSendBack({ ...base, reconsumeTimes: 15 })).toEqual({ kind: 'retry', topic: '%RETRY%G1', delayLevel: 18 });
    expect(decideSendBack({ ...base, reconsumeTimes: 2, requestedDelayLevel: 5 })).toMatchObject({ delayLevel: 5 });
    expect(decideSendBack({ ...base, reconsumeTimes: 16 })).toEqual({ kind: 'dlq', topic: '%DLQ%G1' });
    expect(decideSendBack({ ...base, reconsumeTimes: 0, requestedDelayLevel: -1 })).toEqual({ kind: 'dlq', topic: '%DLQ%G1' });
  });

  it('keeps RETRY_TOPIC / ORIGIN_MESSAGE_ID when present and sets them otherwise', () => {
    const original: StoredMessage = {
      topic: 'TopicTest', queueId: 2, flag: 7, body: Buffer.from('x'), properties: { TAGS: 'A', WAIT: 'true' },
      sysFlag: 0, bornTimestampMs: 1, bornHost: '10.0.0.9:1234', storeTimestampMs: 2, storeHost: '10.0.0.1:10911',
      reconsumeTimes: 1, physicalOffset: 4096, queueOffset: 3, preparedTransactionOffset: 0,
    };
    const first = buildSendBackMessage(original, { kind: 'retry', topic: '%RETRY%G1', delayLevel: 4 }, 0);
    expect(first.properties).toEqual({
      TAGS: 'A', RETRY_TOPIC: 'TopicTest', ORIGIN_MESSAGE_ID: encodeOffsetMsgId('10.0.0.1:10911', 4096), DELAY: '4',
    });
    expect(first).toMatchObject({ topic: '%RETRY%G1', reconsumeTimes: 2, flag: 7, bornHost: '10.0.0.9:1234' });
    const again = buildSendBackMessage({ ...original, topic: '%RETRY%G1', properties: first.properties },
      { kind: 'dlq', topic: '%DLQ%G1' }, 0);
    expect(again.properties.RETRY_TOPIC).toBe('TopicTest');
    expect(again.properties.ORIGIN_MESSAGE_ID).toBe(first.properties.ORIGIN_MESSAGE_ID);
    expect(again.properties.DELAY).toBeUndefined();
  });
});

describe('CONSUMER_SEND_MSG_BACK end to end', () => {
  const sendBack = (physicalOffset: number, extra: Record<string, string> = {}) => createRequest(
    RequestCode.CONSUMER_SEND_MSG_BACK,
    { offset: String(physicalOffset), group: 'G1', delayLevel: '0', maxReconsumeTimes: '16', ...extra },
  );

  it('parks the retry in the schedule topic and redelivers it to %RETRY% when due', async () => {
    const { plane, store, clock, call } = makeControlPlane();
    const physicalOffset = await store.put('TopicTest', 1, { TAGS: 'TagA' });
    const reply = await call(sendBack(physicalOffset));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const parked = store.appended.at(-1);
    expect(parked).toMatchObject({ topic: 'SCHEDULE_TOPIC_XXXX', queueId: 2, reconsumeTimes: 1 });
    expect(parked?.properties).toMatchObject({ REAL_TOPIC: '%RETRY%G1', REAL_QID: '0', DELAY: '3', RETRY_TOPIC: 'TopicTest' });
    expect(parked?.tagsCodeOverride).toBe(clock.nowMs() + 10_000);
    expect(await plane.schedule.runOnce()).toBe(0);
    clock.advanceMs(9_999);
    expect(await plane.schedule.runOnce()).toBe(0);
    clock.advanceMs(1);
    expect(await plane.schedule.runOnce()).toBe(1);
    const delivered = store.appended.at(-1);
    expect(delivered).toMatchObject({ topic: '%RETRY%G1', queueId: 0, reconsumeTimes: 1 });
    expect(delivered?.properties.DELAY).toBeUndefined();
    expect(delivered?.properties).toMatchObject({ RETRY_TOPIC: 'TopicTest', TAGS: 'TagA', WAIT: 'false' });
    expect(plane.delayOffsets.get(3)).toBe(1);
    expect(await plane.schedule.runOnce()).toBe(0);
  });

  it('dead-letters after maxReconsumeTimes and answers errors per the contract', async () => {
    const { plane, store, call } = makeControlPlane({ autoCreateSubscriptionGroup: 'false' });
    const physicalOffset = await store.put('TopicTest', 0);
    expect((await call(sendBack(physicalOffset))).code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    const body = Buffer.from(JSON.stringify({ groupName: 'G1' }));
    await call(createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, body));
    expect((await call(sendBack(999_999))).code).toBe(ResponseCode.SYSTEM_ERROR);
    const retried = await store.put('%RETRY%G1', 0, { RETRY_TOPIC: 'TopicTest' });
    const message = store.messages.get(retried);
    if (message !== undefined) message.reconsumeTimes = 3;
    expect((await call(sendBack(retried, { maxReconsumeTimes: '3' }))).code).toBe(ResponseCode.SUCCESS);
    expect(store.appended.at(-1)).toMatchObject({ topic: '%DLQ%G1', queueId: 0, reconsumeTimes: 4 });
    expect(plane.topics.get('%DLQ%G1')).toMatchObject({ readQueueNums: 1, perm: 6 });
    store.refuse = 'busy';
    expect((await call(sendBack(physicalOffset))).code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});
