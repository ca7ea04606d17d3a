// Proves PULL_MESSAGE follows reference §2.4/§5.6/§5.8/§5.9: every code carries the offset
// headers, tag filters skip (and count) non-matching entries, offsets out of range are corrected,
// empty pulls are held until a send arrives or the suspend time ends, and the piggy-backed
// commit offset reaches the control plane; the broker's maxTransferCountOnMessageInMemory caps
// the messages of a pull and maxTransferBytesOnMessageInMemory is the byte cap handed to the
// reader. Driven over an in-memory store with real requests.
import { describe, expect, it } from 'vitest';
import { decodeRecords } from '../../../../src/protocol/record-decode.js';
import { ResponseCode } from '../../../../src/protocol/response-code.js';
import type { GetMessagesQuery } from '../../../../src/broker/data-plane/ports.js';
import { createHarness, props, pullRequest, sendV2 } from './harness.js';

async function sendTagged(h: ReturnType<typeof createHarness>, tags: readonly string[]): Promise<void> {
  for (const tag of tags) {
    const reply = await h.call(sendV2('TopicTest', `body-${tag}`, props({ TAGS: tag }), { e: '0' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
  }
}

function offsets(reply: { extFields: Record<string, string> | null }): Array<string | undefined> {
  return [reply.extFields?.['nextBeginOffset'], reply.extFields?.['minOffset'], reply.extFields?.['maxOffset']];
}

describe('PULL_MESSAGE', () => {
  it('returns whole stored records with next/min/max offsets', async () => {
    const h = createHarness();
    await sendTagged(h, ['A', 'B', 'A']);
    const reply = await h.call(pullRequest('TopicTest', 0, 0));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(reply.remark).toBe('FOUND');
    expect(offsets(reply)).toEqual(['3', '0', '3']);
    expect(reply.extFields?.['suggestWhichBrokerId']).toBe('0');
    const records = decodeRecords(reply.body as Buffer);
    expect(records.map((record) => record.body.toString())).toEqual(['body-A', 'body-B', 'body-A']);
    expect(Buffer.concat(h.store.appended).equals(reply.body as Buffer)).toBe(true);
  });

  it('filters by the request subscription and counts skipped entries in nextBeginOffset', async () => {
    const h = createHarness();
    await sendTagged(h, ['A', 'B', 'C', 'B']);
    const reply = await h.call(pullRequest('TopicTest', 0, 0, { subscription: 'B || C' }));
    expect(decodeRecords(reply.body as Buffer).map((record) => record.tags)).toEqual(['B', 'C', 'B']);
    const none = await h.call(pullRequest('TopicTest', 0, 0, { subscription: 'Z' }));
    expect(none.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(offsets(none)).toEqual(['4', '0', '4']);
  });

  it('uses the heartbeat-registered subscription when the request has none', async () => {
    const h = createHarness();
    await sendTagged(h, ['A', 'B']);
    const request = pullRequest('TopicTest', 0, 0, { sysFlag: '0' });
    expect((await h.call(request)).code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    h.subscriptions.set('G1@TopicTest', { subString: 'B', subVersion: 1, expressionType: 'TAG' });
    const reply = await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '0' }));
    expect(decodeRecords(reply.body as Buffer).map((record) => record.tags)).toEqual(['B']);
    const stale = await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '0', subVersion: '2' }));
    expect(stale.code).toBe(ResponseCode.SUBSCRIPTION_NOT_LATEST);
  });

  it('corrects offsets past the end and answers empty queues with the offset headers', async () => {
    const h = createHarness();
    const empty = await h.call(pullRequest('TopicTest', 1, 0));
    expect(empty.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(offsets(empty)).toEqual(['0', '0', '0']);
    const emptyMoved = await h.call(pullRequest('TopicTest', 1, 5));
    expect(emptyMoved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    await sendTagged(h, ['A', 'A']);
    const past = await h.call(pullRequest('TopicTest', 0, 9));
    expect(past.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(offsets(past)).toEqual(['2', '0', '2']);
    const atEnd = await h.call(pullRequest('TopicTest', 0, 2));
    expect(atEnd.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(offsets(atEnd)).toEqual(['2', '0', '2']);
  });

  it('refuses unknown topics, bad queues and disabled groups', async () => {
    const h = createHarness();
    const unknown = await h.call(pullRequest('Nope', 0, 7));
    expect(unknown.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(offsets(unknown)).toEqual(['7', '0', '0']);
    expect((await h.call(pullRequest('TopicTest', 4, 0))).code).toBe(ResponseCode.SYSTEM_ERROR);
    h.groups.set('G1', { consumeEnable: false });
    expect((await h.call(pullRequest('TopicTest', 0, 0))).code).toBe(ResponseCode.NO_PERMISSION);
  });

  it('holds an empty pull until a send arrives, then answers FOUND', async () => {
    const h = createHarness();
    const held = h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '6' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.plane.heldPullCount()).toBe(1);
    await sendTagged(h, ['A']);
    const reply = await held;
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(decodeRecords(reply.body as Buffer)).toHaveLength(1);
    expect(h.plane.heldPullCount()).toBe(0);
  });

  it('answers a held pull PULL_NOT_FOUND when its suspend time ends', async () => {
    const h = createHarness();
    const reply = await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '6', suspendTimeoutMillis: '60' }));
    expect(reply.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(offsets(reply)).toEqual(['0', '0', '0']);
  });

  it('uses shortPollingTimeMills when long polling is off', async () => {
    const h = createHarness({ longPollingEnable: false, shortPollingTimeMills: 30 });
    const reply = await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '6', suspendTimeoutMillis: '15000' }));
    expect(reply.code).toBe(ResponseCode.PULL_NOT_FOUND);
  });

  it('answers every held pull on stop', async () => {
    const h = createHarness();
    const held = h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '6' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    h.plane.stop();
    expect((await held).code).toBe(ResponseCode.PULL_NOT_FOUND);
  });

  it('forwards the piggy-backed commit offset, once, before holding', async () => {
    const h = createHarness();
    await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '5', commitOffset: '7' }));
    await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '4', commitOffset: '9' }));
    expect(h.commits).toEqual([{ group: 'G1', topic: 'TopicTest', queueId: 0, queueOffset: 7 }]);
  });

  it('caps a pull at maxTransferCountOnMessageInMemory and hands the reader maxTransferBytesOnMessageInMemory', async () => {
    const h = createHarness({ maxTransferCountOnMessageInMemory: 2, maxTransferBytesOnMessageInMemory: 300_000 });
    await sendTagged(h, ['A', 'B', 'C']);
    const seen: GetMessagesQuery[] = [];
    const read = h.store.getMessages.bind(h.store);
    h.store.getMessages = (query) => {
      seen.push(query);
      return read(query);
    };
    const reply = await h.call(pullRequest('TopicTest', 0, 0));
    expect(decodeRecords(reply.body as Buffer).map((record) => record.tags)).toEqual(['A', 'B']);
    expect(offsets(reply)).toEqual(['2', '0', '3']);
    expect(seen.map((query) => [query.maxCount, query.maxBytes])).toEqual([[2, 300_000]]);
  });
});
