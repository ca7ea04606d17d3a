// Proves the broker's transactional messages (reference §2.3, §5.4) over an in-memory store with
// a FakeClock: END_TRANSACTION commit re-stores the half message in its real topic and queue
// (COMMIT type, preparedTransactionOffset = the half record's offset, REAL_* / TRAN_MSG gone) and
// writes the op record (tag "d", body = half queue offset); rollback writes only the op; a repeat
// or mismatched END_TRANSACTION stores nothing; the check round leaves young and resolved half
// messages alone, re-appends an old one with TRANSACTION_CHECK_TIMES + 1 and sends
// CHECK_TRANSACTION_STATE (oneway, real topic in the body) to a live producer of its group,
// honours CHECK_IMMUNITY_TIME_IN_SECONDS, and discards to TRANS_CHECK_MAX_TIME_TOPIC after
// transactionCheckMax checks; progress lands in CID_RMQ_SYS_TRANS offsets.
import { describe, expect, it } from 'vitest';
import { decideHalf } from '../../../src/broker/transaction/transaction-service.js';
import type { StoredMessage } from '../../../src/broker/store-facade.js';
import { createRequest } from '../../../src/protocol/command.js';
import { decodeCheckTransactionStateRequestHeader } from '../../../src/protocol/headers/message.js';
import { decodeRecord } from '../../../src/protocol/record-decode.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { FakeChannel } from './fakes.js';
import { makeControlPlane } from './harness.js';

const HALF = 'RMQ_SYS_TRANS_HALF_TOPIC';
const OP = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';

type Plane = ReturnType<typeof makeControlPlane>;

async function putHalf(h: Plane, extra: Record<string, string> = {}, uniqKey = 'UNIQ-1') {
  const outcome = await h.store.append({
    topic: HALF, queueId: 0, body: Buffer.from(`body-${uniqKey}`), flag: 3,
    properties: { REAL_TOPIC: 'TopicTx', REAL_QID: '2', TRAN_MSG: 'true', PGROUP: 'pg', UNIQ_KEY: uniqKey, TAGS: 'TagA', ...extra },
    sysFlag: 0, bornTimestampMs: h.clock.nowMs(), bornHost: '10.0.0.9:5000', reconsumeTimes: 0, preparedTransactionOffset: 0,
  });
  if (outcome.status !== 'ok') throw new Error('append failed');
  return outcome;
}

function endTx(half: { physicalOffset: number; queueOffset: number }, commitOrRollback: number, extra: Record<string, string> = {}) {
  return createRequest(RequestCode.END_TRANSACTION, {
    producerGroup: 'pg', tranStateTableOffset: String(half.queueOffset), commitLogOffset: String(half.physicalOffset),
    commitOrRollback: String(commitOrRollback), msgId: 'UNIQ-1', fromTransactionCheck: 'false', ...extra,
  });
}

const inTopic = (h: Plane, topic: string) => h.store.appended.filter((message) => message.topic === topic);

describe('END_TRANSACTION', () => {
  it('commit stores the real message once and writes the op record', async () => {
    const h = makeControlPlane();
    const half = await putHalf(h);
    expect((await h.call(endTx(half, 8))).code).toBe(ResponseCode.SUCCESS);
    const [committed] = inTopic(h, 'TopicTx');
    expect(committed).toMatchObject({ queueId: 2, sysFlag: 8, preparedTransactionOffset: half.physicalOffset, flag: 3 });
    expect(committed?.properties).toEqual({ PGROUP: 'pg', UNIQ_KEY: 'UNIQ-1', TAGS: 'TagA' });
    const [op] = inTopic(h, OP);
    expect(op).toMatchObject({ queueId: 0, properties: { TAGS: 'd', WAIT: 'false' } });
    expect(op?.body.toString()).toBe(String(half.queueOffset));
    expect(h.plane.topics.get(OP)).toMatchObject({ readQueueNums: 1, writeQueueNums: 1 });
    expect((await h.call(endTx(half, 8))).code).toBe(ResponseCode.SUCCESS);
    expect(inTopic(h, 'TopicTx')).toHaveLength(1);
  });

  it('rollback writes only the op record; unknown (0) does nothing', async () => {
    const h = makeControlPlane();
    const first = await putHalf(h);
    const second = await putHalf(h, {}, 'UNIQ-2');
    expect((await h.call(endTx(second, 0))).code).toBe(ResponseCode.SUCCESS);
    expect(inTopic(h, OP)).toHaveLength(0);
    expect((await h.call(endTx(first, 12))).code).toBe(ResponseCode.SUCCESS);
    expect(inTopic(h, 'TopicTx')).toHaveLength(0);
    expect(inTopic(h, OP).map((op) => op.body.toString())).toEqual([String(first.queueOffset)]);
  });

  it('refuses a missing or mismatched half message with Java remarks', async () => {
    const h = makeControlPlane();
    const half = await putHalf(h);
    const wrongGroup = await h.call(endTx(half, 8, { producerGroup: 'other' }));
    expect(wrongGroup).toMatchObject({ code: ResponseCode.SYSTEM_ERROR, remark: 'The producer group wrong' });
    const wrongOffset = await h.call(endTx({ ...half, queueOffset: half.queueOffset + 5 }, 8));
    expect(wrongOffset.remark).toBe('The transaction state table offset wrong');
    const missing = await h.call(endTx({ ...half, physicalOffset: 999_999 }, 8));
    expect(missing.remark).toBe('Find prepared transaction message failed');
    expect(inTopic(h, 'TopicTx')).toHaveLength(0);
    const slave = makeControlPlane({ brokerRole: 'SLAVE', brokerId: '1' });
    expect((await slave.call(endTx(half, 8))).code).toBe(ResponseCode.SLAVE_NOT_AVAILABLE);
  });

  it('routes a committed message with a future TIMER_DELIVER_MS or DELAY through the timer or schedule topic', async () => {
    const h = makeControlPlane();
    const timed = await putHalf(h, { TIMER_DELIVER_MS: String(h.clock.nowMs() + 86_400_000 * 3) });
    await h.call(endTx(timed, 8));
    expect(inTopic(h, 'PETREL_SYS_TIMER_TOPIC')[0]?.properties).toMatchObject({ REAL_TOPIC: 'TopicTx', REAL_QID: '2' });
    const delayed = await putHalf(h, { DELAY: '2' }, 'UNIQ-2');
    await h.call(endTx(delayed, 8, { msgId: 'UNIQ-2' }));
    expect(inTopic(h, 'SCHEDULE_TOPIC_XXXX')[0]).toMatchObject({ queueId: 1, tagsCodeOverride: h.clock.nowMs() + 5000 });
  });
});

describe('transaction check rounds', () => {
  const settings = { transactionTimeOut: 6000, transactionCheckMax: 15, transactionCheckInterval: 60_000 };
  const halfAt = (bornTimestampMs: number, properties: Record<string, string> = {}): StoredMessage => ({
    topic: HALF, queueId: 0, flag: 0, body: Buffer.alloc(0), properties, sysFlag: 0, bornTimestampMs, bornHost: '1.2.3.4:5',
    storeTimestampMs: bornTimestampMs, storeHost: '1.2.3.4:10911', reconsumeTimes: 0, physicalOffset: 0, queueOffset: 0,
    preparedTransactionOffset: 0,
  });

  it('decides wait / check / discard from age, immunity and check times', () => {
    expect(decideHalf(halfAt(10_000), 15_999, settings)).toEqual({ kind: 'wait' });
    expect(decideHalf(halfAt(10_000), 16_000, settings)).toEqual({ kind: 'check', checkTimes: 1 });
    expect(decideHalf(halfAt(20_000), 10_000, settings)).toEqual({ kind: 'check', checkTimes: 1 });
    expect(decideHalf(halfAt(0, { TRANSACTION_CHECK_TIMES: '14' }), 7000, settings)).toEqual({ kind: 'check', checkTimes: 15 });
    expect(decideHalf(halfAt(0, { TRANSACTION_CHECK_TIMES: '15' }), 7000, settings)).toEqual({ kind: 'discard' });
    expect(decideHalf(halfAt(0, { CHECK_IMMUNITY_TIME_IN_SECONDS: '30' }), 29_999, settings)).toEqual({ kind: 'wait' });
    expect(decideHalf(halfAt(0, { CHECK_IMMUNITY_TIME_IN_SECONDS: '1' }), 5999, settings)).toEqual({ kind: 'wait' });
    expect(decideHalf(halfAt(0, { CHECK_IMMUNITY_TIME_IN_SECONDS: '30' }), 30_000, settings).kind).toBe('check');
  });

  it('checks an old half message through a live producer of its group, once per round', async () => {
    const h = makeControlPlane({ transactionTimeOut: '6000' });
    const producer = new FakeChannel();
    h.plane.producers.register('pg', { channel: producer, clientId: 'p1', language: 'JAVA', version: 0 });
    const half = await putHalf(h);
    h.clock.advanceMs(5999);
    expect(await h.plane.transactions.runOnce()).toMatchObject({ checked: 0, halfOffset: 0 });
    h.clock.advanceMs(1);
    expect(await h.plane.transactions.runOnce()).toMatchObject({ checked: 1, halfOffset: 1 });
    const copies = inTopic(h, HALF);
    expect(copies).toHaveLength(2);
    expect(copies[1]?.properties.TRANSACTION_CHECK_TIMES).toBe('1');
    expect(producer.sent).toHaveLength(1);
    const check = producer.sent[0];
    expect(check?.code).toBe(RequestCode.CHECK_TRANSACTION_STATE);
    expect((check?.flag ?? 0) & 2).toBe(2);
    const header = decodeCheckTransactionStateRequestHeader(check?.extFields ?? null);
    expect(header).toMatchObject({ tranStateTableOffset: 1, msgId: 'UNIQ-1', transactionId: 'UNIQ-1' });
    expect(header.commitLogOffset).not.toBe(half.physicalOffset);
    const record = decodeRecord(check?.body as Buffer);
    expect(record).toMatchObject({ topic: 'TopicTx', queueId: 2, queueOffset: 1, physicalOffset: header.commitLogOffset });
    expect(h.plane.offsets.queryOffset('CID_RMQ_SYS_TRANS', HALF, 0)).toBe(1);
    // The producer answers for the copy named in the check: committed once, never checked again.
    await h.call(endTx({ queueOffset: header.tranStateTableOffset, physicalOffset: header.commitLogOffset }, 8, { fromTransactionCheck: 'true' }));
    h.clock.advanceMs(60_000);
    expect(await h.plane.transactions.runOnce()).toMatchObject({ checked: 0, halfOffset: 2, opOffset: 1 });
    expect(inTopic(h, 'TopicTx')).toHaveLength(1);
    expect(producer.sent).toHaveLength(1);
  });

  it('skips resolved half messages and stops at the first young one', async () => {
    const h = makeControlPlane();
    const producer = new FakeChannel();
    h.plane.producers.register('pg', { channel: producer, clientId: 'p1', language: 'JAVA', version: 0 });
    const resolved = await putHalf(h);
    await h.call(endTx(resolved, 12));
    h.clock.advanceMs(7000);
    await putHalf(h, {}, 'UNIQ-2');
    expect(await h.plane.transactions.runOnce()).toMatchObject({ checked: 0, halfOffset: 1, opOffset: 1 });
    expect(producer.sent).toHaveLength(0);
  });

  it('counts checks without a producer and discards after transactionCheckMax', async () => {
    const h = makeControlPlane({ transactionCheckMax: '2', transactionTimeOut: '1000' });
    await putHalf(h);
    h.clock.advanceMs(1000);
    expect((await h.plane.transactions.runOnce()).checked).toBe(1);
    const producer = new FakeChannel();
    h.plane.producers.register('pg', { channel: producer, clientId: 'p1', language: 'JAVA', version: 0 });
    expect((await h.plane.transactions.runOnce()).checked).toBe(1);
    expect(producer.sent).toHaveLength(1);
    expect(await h.plane.transactions.runOnce()).toMatchObject({ checked: 0, discarded: 1 });
    expect(inTopic(h, 'TRANS_CHECK_MAX_TIME_TOPIC')[0]?.properties.TRANSACTION_CHECK_TIMES).toBe('2');
    expect(await h.plane.transactions.runOnce()).toMatchObject({ checked: 0, discarded: 0 });
    expect(producer.sent).toHaveLength(1);
  });
});

describe('check channel choice', () => {
  it('rotates checks over the open channels of the producer group', async () => {
    const h = makeControlPlane({ transactionTimeOut: '1000' });
    const [a, b, closed] = [new FakeChannel(), new FakeChannel(), new FakeChannel()];
    for (const [index, channel] of [a, b, closed].entries()) {
      h.plane.producers.register('pg', { channel, clientId: `p${index}`, language: 'JAVA', version: 0 });
    }
    closed.close();
    await putHalf(h, {}, 'UNIQ-1');
    await putHalf(h, {}, 'UNIQ-2');
    h.clock.advanceMs(1000);
    expect((await h.plane.transactions.runOnce()).checked).toBe(2);
    expect([a.sent.length, b.sent.length, closed.sent.length]).toEqual([1, 1, 0]);
  });
});
