// Proves the producer's auto-batching accumulator (src/client/send-accumulator.ts) without a
// network: a fake host captures the batches it sends. Checked: the body decodes (the protocol's
// own decodeBatch) to the members' entries in add order with WAIT left out; batchMaxBytes splits
// batches before an entry would overflow; totalBatchMaxBytes refuses a send with a retriable
// ERR_REMOTING_TOO_MANY_IN_FLIGHT until a batch settles; the linger check sends a batch that
// stopped growing and keeps one that grows, up to batchMaxDelayMs (fake clock); answers split
// into one SendResult per member (own msgId, offset msgId, queueOffset = first + index); a
// failure reaches every member; a mismatched msgId list fails the batch; canBatch's refusals; a
// UNIQ_KEY written from FastUniqKeyGenerator's bytes gives the same body as from the string.
// Property: any interleaving of sends to several topics, with any size caps, keeps each
// topic's members in add order across its batches, and every member settles exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Message } from '../../../src/client/message.js';
import {
  type AccumulatedBatch, type AccumulatorOptions, BATCH_MEMBERS_MAX, canBatch, SendAccumulator,
} from '../../../src/client/send-accumulator.js';
import { SendResult, SendStatus } from '../../../src/client/send-result.js';
import { decodeBatch } from '../../../src/protocol/batch.js';
import { decodeProperties } from '../../../src/protocol/properties.js';
import { MessageConst } from '../../../src/protocol/message-const.js';
import { FastUniqKeyGenerator } from '../../../src/client/uniq-key.js';

const params = { numRuns: 100, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };

interface Harness {
  accumulator: SendAccumulator;
  sent: AccumulatedBatch[];
  clock: { nowMs: number };
}

function harness(options: Partial<AccumulatorOptions> = {}): Harness {
  const sent: AccumulatedBatch[] = [];
  const clock = { nowMs: 1000 };
  const accumulator = new SendAccumulator({ send: (batch) => sent.push(batch) }, {
    batchMaxDelayMs: 10, batchMaxBytes: 32 * 1024, totalBatchMaxBytes: 1024 * 1024, ...options,
  }, () => clock.nowMs);
  return { accumulator, sent, clock };
}

function message(topic: string, body: string, index: number): Message {
  const m = new Message(topic, `Tag${index % 3}`, [`key-${index}`], body);
  m.putUserProperty('seq', String(index));
  return m;
}

/** Settled outcomes per member, in the order they settled. */
function recorder(): { results: Array<{ index: number; result?: SendResult; error?: Error }>; done: (i: number) => (r: SendResult) => void; failed: (i: number) => (e: Error) => void } {
  const results: Array<{ index: number; result?: SendResult; error?: Error }> = [];
  return {
    results,
    done: (index) => (result) => results.push({ index, result }),
    failed: (index) => (error) => results.push({ index, error }),
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function answer(batch: AccumulatedBatch, firstQueueOffset: number, ids?: string[]): void {
  const offsetMsgIds = ids ?? batch.uniqKeys.map((_, i) => `OFF${String(i).padStart(29, '0')}`);
  batch.succeeded(new SendResult(SendStatus.SEND_OK, '', offsetMsgIds.join(','),
    { topic: batch.topic, brokerName: 'broker-a', queueId: 1 }, firstQueueOffset));
}

describe('SendAccumulator', () => {
  it('writes a stamped UNIQ_KEY from the generator\'s bytes exactly as from the string', () => {
    const keys = new FastUniqKeyGenerator({ ipBytes: Uint8Array.from([10, 0, 0, 7]) });
    const viaBytes = harness();
    const viaText = harness();
    const rec = recorder();
    for (let i = 0; i < 4; i++) {
      const key = keys.next(1_700_000_000_000 + (i >> 1));
      const bytes = keys.bytesOf(key);
      expect(bytes !== undefined && Buffer.from(bytes).toString('latin1')).toBe(key);
      for (const [target, keyBytes] of [[viaBytes, bytes], [viaText, undefined]] as const) {
        const m = message('T', `body-${i}`, i);
        m.properties[MessageConst.UNIQ_KEY] = key;
        target.accumulator.add(m, key, 3000, 2, rec.done(i), rec.failed(i), keyBytes);
      }
    }
    expect(keys.bytesOf('0A000007' + '0'.repeat(24))).toBeUndefined();
    viaBytes.accumulator.flushAll();
    viaText.accumulator.flushAll();
    const [withBytes, withText] = [viaBytes.sent[0], viaText.sent[0]];
    expect(withBytes?.prepared().body.equals(withText?.prepared().body as Buffer)).toBe(true);
    const entries = decodeBatch(withBytes?.prepared().body as Buffer);
    expect(entries.map((entry) => decodeProperties(entry.properties)[MessageConst.UNIQ_KEY])).toEqual(withBytes?.uniqKeys);
  });

  it('writes members as batch entries in order, WAIT once per batch', async () => {
    const { accumulator, sent } = harness();
    const rec = recorder();
    for (let i = 0; i < 5; i++) {
      expect(accumulator.add(message('T', `body-${i}`, i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i))).toBe(true);
    }
    expect(sent).toHaveLength(0);
    await nextTurn();
    await nextTurn();
    expect(sent).toHaveLength(1);
    const batch = sent[0] as AccumulatedBatch;
    const prepared = batch.prepared();
    expect(prepared.properties).toBe('WAIT\u0001true');
    const entries = decodeBatch(prepared.body);
    expect(entries.map((e) => e.body.toString())).toEqual(['body-0', 'body-1', 'body-2', 'body-3', 'body-4']);
    const props = entries.map((e) => decodeProperties(e.properties));
    expect(props.map((p) => p['seq'])).toEqual(['0', '1', '2', '3', '4']);
    expect(props[1]).toMatchObject({ TAGS: 'Tag1', KEYS: 'key-1' });
    expect(props.every((p) => p['WAIT'] === undefined)).toBe(true);
    expect(batch.uniqKeys).toEqual(['UK0', 'UK1', 'UK2', 'UK3', 'UK4']);
    expect(batch.timeoutMs).toBe(3000);
    expect(batch.retries).toBe(2);
  });

  it('splits the answer into one SendResult per member', async () => {
    const { accumulator, sent } = harness();
    const rec = recorder();
    for (let i = 0; i < 3; i++) accumulator.add(message('T', 'b', i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i));
    await nextTurn();
    await nextTurn();
    answer(sent[0] as AccumulatedBatch, 40, ['A', 'B', 'C']);
    expect(rec.results.map((r) => [r.index, r.result?.msgId, r.result?.offsetMsgId, r.result?.queueOffset])).toEqual([
      [0, 'UK0', 'A', 40], [1, 'UK1', 'B', 41], [2, 'UK2', 'C', 42],
    ]);
    expect(accumulator.bytesHeld).toBe(0);
  });

  it('fails every member with the batch error, and a wrong msgId count fails the batch', async () => {
    const { accumulator, sent } = harness();
    const rec = recorder();
    for (let i = 0; i < 3; i++) accumulator.add(message('T', 'b', i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i));
    await nextTurn();
    await nextTurn();
    (sent[0] as AccumulatedBatch).failed(new Error('broker gone'));
    expect(rec.results.map((r) => r.error?.message)).toEqual(['broker gone', 'broker gone', 'broker gone']);
    for (let i = 3; i < 5; i++) accumulator.add(message('T', 'b', i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i));
    await nextTurn();
    await nextTurn();
    answer(sent[1] as AccumulatedBatch, 0, ['ONLY-ONE']);
    expect(rec.results.slice(3).map((r) => (r.error as { code?: string } | undefined)?.code)).toEqual(['ERR_HEADER_MALFORMED', 'ERR_HEADER_MALFORMED']);
    expect(accumulator.bytesHeld).toBe(0);
  });

  it('starts a new batch before an entry would overflow batchMaxBytes', () => {
    const { accumulator, sent } = harness({ batchMaxBytes: 1024 });
    const rec = recorder();
    const body = 'x'.repeat(200);
    for (let i = 0; i < 10; i++) accumulator.add(message('T', body, i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const batch of sent) expect(batch.bytes).toBeLessThanOrEqual(1024);
    const bodies = sent.flatMap((b) => decodeBatch(b.prepared().body).map((e) => e.body.length));
    expect(bodies.every((length) => length === 200)).toBe(true);
  });

  it('refuses a message larger than a batch (the caller sends it alone)', () => {
    const { accumulator, sent } = harness({ batchMaxBytes: 256 });
    const rec = recorder();
    expect(accumulator.add(message('T', 'y'.repeat(300), 0), 'UK0', 3000, 2, rec.done(0), rec.failed(0))).toBe(false);
    expect(sent).toHaveLength(0);
    expect(accumulator.bytesHeld).toBe(0);
  });

  it('fails sends over totalBatchMaxBytes (retriable) until a batch settles', () => {
    const { accumulator, sent } = harness({ batchMaxBytes: 1024, totalBatchMaxBytes: 2048 });
    const rec = recorder();
    const body = 'z'.repeat(300);
    for (let i = 0; i < 12; i++) accumulator.add(message('T', body, i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i));
    const refused = rec.results.filter((r) => r.error !== undefined);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.error).toMatchObject({ code: 'ERR_REMOTING_TOO_MANY_IN_FLIGHT', retriable: true });
    expect(accumulator.bytesHeld).toBeLessThanOrEqual(2048);
    for (const batch of sent) answer(batch, 0);
    const before = rec.results.length;
    accumulator.add(message('T', body, 99), 'UK99', 3000, 2, rec.done(99), rec.failed(99));
    expect(rec.results.slice(before).some((r) => r.index === 99 && r.error !== undefined)).toBe(false);
  });

  it('sends a batch that stopped growing, lingers while it grows, never past batchMaxDelayMs', async () => {
    const { accumulator, sent, clock } = harness({ batchMaxDelayMs: 10 });
    const rec = recorder();
    let index = 0;
    const addOne = (): void => {
      accumulator.add(message('T', 'b', index), `UK${index}`, 3000, 2, rec.done(index), rec.failed(index));
      index++;
    };
    addOne();
    await nextTurn(); // first check: it grew (0 -> 1)
    expect(sent).toHaveLength(0);
    await nextTurn(); // second check: no growth -> sent
    expect(sent).toHaveLength(1);
    addOne();
    for (let turn = 0; turn < 5; turn++) {
      await nextTurn();
      addOne(); // keeps growing: lingers
    }
    expect(sent).toHaveLength(1);
    clock.nowMs += 10;
    addOne();
    await nextTurn();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.count).toBe(7);
  });

  it('keeps topics and WAIT values apart, and caps the members of a batch', () => {
    const { accumulator, sent } = harness({ batchMaxBytes: 2 * 1024 * 1024, totalBatchMaxBytes: 64 * 1024 * 1024 });
    const rec = recorder();
    const noWait = new Message({ topic: 'T', body: 'w', waitStoreMsgOK: false });
    accumulator.add(noWait, 'W', 3000, 2, rec.done(-1), rec.failed(-1));
    accumulator.add(message('U', 'u', 0), 'U0', 3000, 2, rec.done(-2), rec.failed(-2));
    for (let i = 0; i < BATCH_MEMBERS_MAX + 1; i++) accumulator.add(message('T', 'b', i), `UK${i}`, 3000, 2, rec.done(i), rec.failed(i));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.count).toBe(BATCH_MEMBERS_MAX);
    expect(accumulator.openCount).toBe(3);
    accumulator.flushAll();
    const byTopic = sent.slice(1).map((b) => [b.topic, b.waitStoreMsgOK, b.count, b.prepared().properties]);
    expect(byTopic).toEqual(expect.arrayContaining([
      ['T', false, 1, 'WAIT\u0001false'], ['U', true, 1, 'WAIT\u0001true'], ['T', true, 1, 'WAIT\u0001true'],
    ]));
  });

  it('refuses bad options with RocketMQ\'s ranges', () => {
    expect(() => harness({ batchMaxDelayMs: 0 })).toThrow(/batchMaxDelayMs/);
    expect(() => harness({ batchMaxBytes: 3 * 1024 * 1024 })).toThrow(/batchMaxBytes/);
    expect(() => harness({ totalBatchMaxBytes: 0 })).toThrow(/totalBatchMaxBytes/);
  });
});

describe('canBatch', () => {
  it('accepts plain messages and refuses delay, timers, transactions, retry/DLQ topics and compressed bodies', () => {
    expect(canBatch(new Message('T', 'plain'), 4096)).toBe(true);
    const delayed = new Message('T', 'd');
    delayed.delayTimeLevel = 2;
    expect(canBatch(delayed, 4096)).toBe(false);
    const timed = new Message('T', 't');
    timed.deliverTimeMs = Date.now() + 60_000;
    expect(canBatch(timed, 4096)).toBe(false);
    expect(canBatch(new Message({ topic: 'T', body: 'x', properties: { TRAN_MSG: 'true' } }), 4096)).toBe(false);
    expect(canBatch(new Message('%RETRY%g', 'r'), 4096)).toBe(false);
    expect(canBatch(new Message('%DLQ%g', 'r'), 4096)).toBe(false);
    expect(canBatch(new Message('T', 'x'.repeat(4096)), 4096)).toBe(false);
  });
});

describe('SendAccumulator (property)', () => {
  it('keeps each topic\'s members in add order across batches; every member settles once', async () => {
    const send = fc.record({ topic: fc.constantFrom('A', 'B', 'C'), bodyBytes: fc.integer({ min: 1, max: 400 }), turnAfter: fc.boolean() });
    await fc.assert(fc.asyncProperty(
      fc.array(send, { minLength: 1, maxLength: 120 }), fc.integer({ min: 512, max: 4096 }),
      async (sends, batchMaxBytes) => {
        const { accumulator, sent } = harness({ batchMaxBytes, totalBatchMaxBytes: 64 * 1024 * 1024 });
        const settled = new Map<number, number>();
        const bump = (i: number) => () => settled.set(i, (settled.get(i) ?? 0) + 1);
        for (const [index, s] of sends.entries()) {
          const m = new Message(s.topic, 'x'.repeat(s.bodyBytes));
          m.putUserProperty('seq', String(index));
          expect(accumulator.add(m, `UK${index}`, 3000, 2, bump(index), bump(index))).toBe(true);
          if (s.turnAfter) await nextTurn();
        }
        accumulator.flushAll();
        for (const topic of ['A', 'B', 'C']) {
          const got = sent.filter((b) => b.topic === topic)
            .flatMap((b) => decodeBatch(b.prepared().body).map((e) => Number(decodeProperties(e.properties)['seq'])));
          const expected = sends.flatMap((s, i) => (s.topic === topic ? [i] : []));
          expect(got).toEqual(expected);
        }
        for (const batch of sent) answer(batch, 0);
        expect([...settled.values()].every((count) => count === 1)).toBe(true);
        expect(settled.size).toBe(sends.length);
        expect(accumulator.bytesHeld).toBe(0);
      },
    ), params);
  });
});
