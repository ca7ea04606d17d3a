// Proves the SEND_MESSAGE(_V2) and SEND_BATCH_MESSAGE handlers store what RocketMQ stores and
// answer what RocketMQ answers (reference §2.3, §3.5, §5.1, §5.2), by driving the data plane
// with real requests over an in-memory store and decoding the stored records byte for byte.
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../../src/protocol/batch.js';
import { createRequest } from '../../../../src/protocol/command.js';
import { decodeOffsetMsgId } from '../../../../src/protocol/message-id.js';
import { decodeRecord } from '../../../../src/protocol/record-decode.js';
import { bodyCrcOf } from '../../../../src/protocol/record.js';
import { ResponseCode } from '../../../../src/protocol/response-code.js';
import { javaStringHashCode } from '../../../../src/broker/data-plane/tag-filter.js';
import { createHarness, props, sendV2 } from './harness.js';

describe('SEND_MESSAGE_V2', () => {
  it('stores one record and answers its offset msgId, queue and region', async () => {
    const h = createHarness();
    const reply = await h.call(sendV2('TopicTest', 'hello', props({ TAGS: 'TagA', KEYS: 'k1', WAIT: 'true' }),
      { e: '2' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(reply.extFields?.['queueId']).toBe('2');
    expect(reply.extFields?.['queueOffset']).toBe('0');
    expect(reply.extFields?.['MSG_REGION']).toBe('DefaultRegion');
    expect(reply.extFields?.['TRACE_ON']).toBe('true');
    const stored = decodeRecord(h.store.appended[0] as Buffer);
    const id = decodeOffsetMsgId(reply.extFields?.['msgId'] ?? '');
    expect(id.physicalOffset).toBe(stored.physicalOffset);
    expect(stored.topic).toBe('TopicTest');
    expect(stored.body.toString()).toBe('hello');
    expect(stored.bodyCrc).toBe(bodyCrcOf(Buffer.from('hello')));
    expect(stored.properties).toEqual({ TAGS: 'TagA', KEYS: 'k1', CLUSTER: 'DefaultCluster' });
    expect(stored.bornHost).toBe('127.0.0.1:54321');
    expect(h.store.tagsCodesSeen).toEqual([javaStringHashCode('TagA')]);
  });

  it('gives consecutive queue offsets to sends on one queue', async () => {
    const h = createHarness();
    const offsets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await h.call(sendV2('TopicTest', `m${i}`, '', { e: '1' }));
      offsets.push(reply.extFields?.['queueOffset'] ?? '');
    }
    expect(offsets).toEqual(['0', '1', '2']);
  });

  it('accepts the long-name SEND_MESSAGE header', async () => {
    const h = createHarness();
    const request = createRequest(10, {
      producerGroup: 'pg', topic: 'TopicTest', defaultTopic: 'TBW102', defaultTopicQueueNums: '4', queueId: '0',
      sysFlag: '0', bornTimestamp: '1', flag: '7', properties: props({ TAGS: 'x' }),
    }, Buffer.from('b'));
    const reply = await h.call(request);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(decodeRecord(h.store.appended[0] as Buffer).flag).toBe(7);
  });

  it('auto-creates an unknown topic from TBW102 through the control plane', async () => {
    const h = createHarness();
    const reply = await h.call(sendV2('NewTopic', 'x'));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(h.created).toEqual(['NewTopic']);
  });

  it('answers TOPIC_NOT_EXIST when auto-creation is off', async () => {
    const h = createHarness({ autoCreateTopicEnable: false });
    const reply = await h.call(sendV2('NewTopic', 'x'));
    expect(reply.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(reply.remark).toContain('NewTopic');
  });

  it('refuses bad topics, sizes and properties with MESSAGE_ILLEGAL', async () => {
    const h = createHarness();
    expect((await h.call(sendV2('bad topic!', 'x'))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((await h.call(sendV2('T'.repeat(128), 'x'))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    const big = await h.call(sendV2('TopicTest', Buffer.alloc(4097)));
    expect(big.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(big.remark).toContain('4096');
    const manyProps = await h.call(sendV2('TopicTest', 'x', props({ K: 'v'.repeat(40_000) })));
    expect(manyProps.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(h.store.appended).toHaveLength(0);
  });

  it('refuses system topics and a queue id past the topic with the codes RocketMQ uses', async () => {
    const h = createHarness();
    expect((await h.call(sendV2('SCHEDULE_TOPIC_XXXX', 'x'))).code).toBe(ResponseCode.NO_PERMISSION);
    expect((await h.call(sendV2('TopicTest', 'x', '', { e: '4' }))).code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('throws ERR_HEADER_FIELD_MISSING for a missing required field (the dispatcher answers SYSTEM_ERROR)', async () => {
    const h = createHarness();
    const request = sendV2('TopicTest', 'x');
    delete request.extFields?.['b'];
    await expect(h.call(request)).rejects.toMatchObject({ code: 'ERR_HEADER_FIELD_MISSING' });
  });

  it('maps the store outcomes: busy, not writable, flush timeout', async () => {
    const h = createHarness();
    h.store.nextSubmit = 'busy';
    expect((await h.call(sendV2('TopicTest', 'x'))).code).toBe(ResponseCode.SYSTEM_BUSY);
    h.store.nextSubmit = 'not-writable';
    expect((await h.call(sendV2('TopicTest', 'x'))).code).toBe(ResponseCode.SERVICE_NOT_AVAILABLE);
    h.store.nextSubmit = 'queued';
    h.store.nextResult = 'flush-disk-timeout';
    const timedOut = await h.call(sendV2('TopicTest', 'x'));
    expect(timedOut.code).toBe(ResponseCode.FLUSH_DISK_TIMEOUT);
    expect(timedOut.extFields?.['msgId']).toMatch(/^[0-9A-F]{32}$/);
  });

  it('parks a DELAY message in SCHEDULE_TOPIC_XXXX with REAL_TOPIC/REAL_QID and its due time', async () => {
    const h = createHarness();
    const before = Date.now();
    const reply = await h.call(sendV2('TopicTest', 'x', props({ DELAY: '3', TAGS: 'a' }), { e: '1' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const stored = decodeRecord(h.store.appended[0] as Buffer);
    expect(stored.topic).toBe('SCHEDULE_TOPIC_XXXX');
    expect(stored.queueId).toBe(2);
    expect(stored.properties['REAL_TOPIC']).toBe('TopicTest');
    expect(stored.properties['REAL_QID']).toBe('1');
    expect(h.store.tagsCodesSeen[0]).toBeGreaterThanOrEqual(before + 10_000);
  });

  it('treats DELAY=0 (ali-ons fallback) as no delay', async () => {
    const h = createHarness();
    await h.call(sendV2('TopicTest', 'x', props({ DELAY: '0' })));
    expect(decodeRecord(h.store.appended[0] as Buffer).topic).toBe('TopicTest');
  });

  it('stores a half (TRAN_MSG) message in RMQ_SYS_TRANS_HALF_TOPIC, or refuses it when configured to', async () => {
    const h = createHarness();
    const half = await h.call(sendV2('TopicTest', 'x', props({ TRAN_MSG: 'true', PGROUP: 'pg' }), { e: '3', f: '4' }));
    expect(half.code).toBe(ResponseCode.SUCCESS);
    const stored = decodeRecord(h.store.appended[0] as Buffer);
    expect(stored.topic).toBe('RMQ_SYS_TRANS_HALF_TOPIC');
    expect(stored.queueId).toBe(0);
    expect(stored.sysFlag & 0xc).toBe(0);
    expect(stored.properties['REAL_TOPIC']).toBe('TopicTest');
    expect(stored.properties['REAL_QID']).toBe('3');
    const refusing = createHarness({ rejectTransactionMessage: true });
    const refused = await refusing.call(sendV2('TopicTest', 'x', props({ TRAN_MSG: 'true' })));
    expect(refused.code).toBe(ResponseCode.NO_PERMISSION);
  });

  it('redirects a retry-topic send past maxReconsumeTimes to the DLQ', async () => {
    const h = createHarness();
    const retry = await h.call(sendV2('%RETRY%G1', 'x', '', { j: '1', l: '3' }));
    expect(retry.code).toBe(ResponseCode.SUCCESS);
    expect(decodeRecord(h.store.appended[0] as Buffer).topic).toBe('%RETRY%G1');
    const dead = await h.call(sendV2('%RETRY%G1', 'x', props({ DELAY: '4' }), { j: '3', l: '3' }));
    expect(dead.code).toBe(ResponseCode.SUCCESS);
    const stored = decodeRecord(h.store.appended[1] as Buffer);
    expect(stored.topic).toBe('%DLQ%G1');
    expect(stored.properties['DELAY']).toBeUndefined();
    expect(h.created).toEqual(['%RETRY%G1', '%DLQ%G1']);
  });
});

describe('SEND_BATCH_MESSAGE', () => {
  it('stores every entry with consecutive offsets and answers the msgIds comma-joined', async () => {
    const h = createHarness();
    const body = encodeBatch([0, 1, 2].map((i) => ({ flag: i, body: Buffer.from(`b${i}`), properties: props({ TAGS: `t${i}` }) })));
    const request = createRequest(320, {
      a: 'pg', b: 'TopicTest', c: 'TBW102', d: '4', e: '3', f: '0', g: '5', h: '0', i: props({ WAIT: 'true', X: 'y' }),
      m: 'true',
    }, body);
    const reply = await h.call(request);
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(reply.extFields?.['queueOffset']).toBe('0');
    const ids = (reply.extFields?.['msgId'] ?? '').split(',');
    expect(ids).toHaveLength(3);
    const stored = h.store.appended.map((bytes) => decodeRecord(bytes));
    expect(stored.map((record) => record.queueOffset)).toEqual([0, 1, 2]);
    expect(ids.map((id) => decodeOffsetMsgId(id).physicalOffset)).toEqual(stored.map((r) => r.physicalOffset));
    expect(stored[1]?.properties).toEqual({ TAGS: 't1', X: 'y', CLUSTER: 'DefaultCluster' });
    expect(stored[2]?.body.toString()).toBe('b2');
  });

  it('refuses a batch to a retry topic and a batch with a delay', async () => {
    const h = createHarness();
    const body = encodeBatch([{ flag: 0, body: Buffer.from('x'), properties: props({ DELAY: '2' }) }]);
    const base = { a: 'pg', c: 'TBW102', d: '4', e: '0', f: '0', g: '5', h: '0', m: 'true' };
    expect((await h.call(createRequest(320, { ...base, b: '%RETRY%G1' }, body))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((await h.call(createRequest(320, { ...base, b: 'TopicTest' }, body))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });
});
