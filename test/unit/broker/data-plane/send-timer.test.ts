// Proves the send path's routing of timed and transactional messages (brief H10, reference
// §5.1, §5.4): a future TIMER_DELIVER_MS parks the record in PETREL_SYS_TIMER_TOPIC queue 0 with
// REAL_TOPIC / REAL_QID and tagsCode = the delivery time (winning over DELAY); a past one is
// stored in its topic at once; a half message is never parked (its timer applies at commit);
// producers may not send to the timer topic. Drives the data plane over an in-memory store.
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../../src/protocol/record-decode.js';
import { ResponseCode } from '../../../../src/protocol/response-code.js';
import { createHarness, props, sendV2 } from './harness.js';

describe('TIMER_DELIVER_MS on the send path', () => {
  it('parks a future delivery in the timer topic with the delivery time as tagsCode', async () => {
    const h = createHarness();
    const deliverMs = Date.now() + 3_600_000 * 5;
    const reply = await h.call(sendV2('TopicTest', 'x', props({ TAGS: 'A', DELAY: '3', TIMER_DELIVER_MS: String(deliverMs) }), { e: '2' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const stored = decodeRecord(h.store.appended[0] as Buffer);
    expect(stored.topic).toBe('PETREL_SYS_TIMER_TOPIC');
    expect(stored.queueId).toBe(0);
    expect(stored.properties).toMatchObject({ REAL_TOPIC: 'TopicTest', REAL_QID: '2', TIMER_DELIVER_MS: String(deliverMs) });
    expect(stored.properties['DELAY']).toBeUndefined();
    expect(h.store.tagsCodesSeen).toEqual([deliverMs]);
  });

  it('stores a delivery time already past (or unparsable) in the topic at once', async () => {
    const h = createHarness();
    await h.call(sendV2('TopicTest', 'x', props({ TIMER_DELIVER_MS: String(Date.now() - 1) }), { e: '1' }));
    await h.call(sendV2('TopicTest', 'y', props({ TIMER_DELIVER_MS: 'soon' }), { e: '1' }));
    expect(h.store.appended.map((record) => decodeRecord(record as Buffer).topic)).toEqual(['TopicTest', 'TopicTest']);
  });

  it('keeps a half message in the half topic, timer and delay left for the commit', async () => {
    const h = createHarness();
    const deliverMs = Date.now() + 60_000;
    const reply = await h.call(sendV2('TopicTest', 'x',
      props({ TRAN_MSG: 'true', PGROUP: 'pg', TIMER_DELIVER_MS: String(deliverMs) }), { e: '3', f: '4' }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const stored = decodeRecord(h.store.appended[0] as Buffer);
    expect(stored.topic).toBe('RMQ_SYS_TRANS_HALF_TOPIC');
    expect(stored.properties).toMatchObject({ REAL_TOPIC: 'TopicTest', REAL_QID: '3', TIMER_DELIVER_MS: String(deliverMs) });
  });

  it('refuses producer sends to the timer topic', async () => {
    const h = createHarness();
    const reply = await h.call(sendV2('PETREL_SYS_TIMER_TOPIC', 'x'));
    expect(reply.code).toBe(ResponseCode.NO_PERMISSION);
  });
});
