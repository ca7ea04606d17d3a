// Proves the cheap read handlers answer RocketMQ's fields (reference §2.4): GET_MAX/MIN_OFFSET,
// GET_EARLIEST_MSG_STORETIME, VIEW_MESSAGE_BY_ID (the exact stored bytes, found by the offset in
// the msgId the send returned) and QUERY_MESSAGE (by KEYS token; QUERY_NOT_FOUND otherwise), and
// that Java's String.hashCode and the tag subscription parser match known values.
import { describe, expect, it } from 'vitest';
import { createRequest } from '../../../../src/protocol/command.js';
import { decodeOffsetMsgId } from '../../../../src/protocol/message-id.js';
import { ResponseCode } from '../../../../src/protocol/response-code.js';
import { javaStringHashCode, parseTagSubscription } from '../../../../src/broker/data-plane/tag-filter.js';
import { createHarness, props, sendV2 } from './harness.js';

describe('read handlers', () => {
  it('answers max/min offsets and earliest store time', async () => {
    const h = createHarness();
    for (let i = 0; i < 3; i++) await h.call(sendV2('TopicTest', 'x', '', { e: '2' }));
    const max = await h.call(createRequest(30, { topic: 'TopicTest', queueId: '2' }));
    expect(max.extFields).toEqual({ offset: '3' });
    const unknown = await h.call(createRequest(30, { topic: 'Other', queueId: '0' }));
    expect(unknown.extFields).toEqual({ offset: '0' });
    const min = await h.call(createRequest(31, { topic: 'TopicTest', queueId: '2' }));
    expect(min.extFields).toEqual({ offset: '0' });
    const earliest = await h.call(createRequest(32, { topic: 'TopicTest', queueId: '2' }));
    expect(earliest.code).toBe(ResponseCode.SUCCESS);
    expect(earliest.extFields?.['timestamp']).toBeDefined();
  });

  it('views a message by the physical offset in its msgId', async () => {
    const h = createHarness();
    await h.call(sendV2('TopicTest', 'first'));
    const sent = await h.call(sendV2('TopicTest', 'second'));
    const physicalOffset = decodeOffsetMsgId(sent.extFields?.['msgId'] ?? '').physicalOffset;
    const view = await h.call(createRequest(33, { offset: String(physicalOffset) }));
    expect(view.code).toBe(ResponseCode.SUCCESS);
    expect(view.body?.equals(h.store.appended[1] as Buffer)).toBe(true);
    const missing = await h.call(createRequest(33, { offset: '999999' }));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('queries messages by key', async () => {
    const h = createHarness();
    await h.call(sendV2('TopicTest', 'a', props({ KEYS: 'order-1 order-2' })));
    await h.call(sendV2('TopicTest', 'b', props({ KEYS: 'order-3' })));
    const query = (key: string) => createRequest(12, {
      topic: 'TopicTest', key, maxNum: '32', beginTimestamp: '0', endTimestamp: String(Date.now() + 1000),
    });
    const hit = await h.call(query('order-2'));
    expect(hit.code).toBe(ResponseCode.SUCCESS);
    expect(hit.body?.equals(h.store.appended[0] as Buffer)).toBe(true);
    expect(hit.extFields?.['indexLastUpdatePhyoffset']).toBeDefined();
    expect((await h.call(query('nope'))).code).toBe(ResponseCode.QUERY_NOT_FOUND);
  });

  it('answers REQUEST_CODE_NOT_SUPPORTED for a code it does not serve', async () => {
    const h = createHarness();
    const reply = await h.call(createRequest(34, null));
    expect(reply.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });
});

describe('tag filter', () => {
  it('hashes like Java String.hashCode', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('TagA')).toBe(2598919);
    expect(javaStringHashCode('TagB')).toBe(2598920);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('Hello World')).toBe(-862545276); // overflows int32, as in Java
  });

  it('parses *, empty and || lists', () => {
    expect(parseTagSubscription('*')).toEqual({ kind: 'all' });
    expect(parseTagSubscription(' ')).toEqual({ kind: 'all' });
    expect(parseTagSubscription(undefined)).toEqual({ kind: 'all' });
    const parsed = parseTagSubscription(' TagA || TagB ||');
    expect(parsed.kind === 'tags' ? [...parsed.codes] : null).toEqual([2598919, 2598920]);
  });
});
