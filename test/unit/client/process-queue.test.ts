// Proves the process queue commits "the smallest offset still being processed, or max+1 when
// empty" (reference §5.3) whatever order consumption finishes in, by removing messages in random
// orders (fast-check) and comparing with a model computed from the remaining set; and that
// random sequences of puts (batches with offset gaps), removals (including unknown and repeated
// offsets), orderly takes, commits, put-backs and rollbacks keep counts, bytes, span and every
// returned offset equal to a plain map model's.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MessageExt } from '../../../src/client/message.js';
import { ProcessQueue } from '../../../src/client/process-queue.js';

function message(queueOffset: number, bytes = 1): MessageExt {
  const ext = new MessageExt('T', Buffer.alloc(bytes));
  ext.queueOffset = queueOffset;
  return ext;
}

describe('ProcessQueue', () => {
  it('tracks counts and bytes', () => {
    const pq = new ProcessQueue();
    expect(pq.putMessages([message(5, 10), message(6, 20)])).toBe(2);
    expect(pq.putMessages([message(6, 20)])).toBe(0);
    expect([pq.messageCount, pq.messageBytes, pq.offsetSpan]).toEqual([2, 30, 1]);
    expect(pq.removeMessages([message(6)])).toBe(5);
    expect(pq.removeMessages([message(5)])).toBe(7);
    expect([pq.messageCount, pq.messageBytes]).toEqual([0, 0]);
  });

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 50 }), fc.func(fc.integer())])(
    'commit offset = min remaining or max + 1',
    (start, count, rank) => {
      const pq = new ProcessQueue();
      const messages = Array.from({ length: count }, (_, i) => message(start + i));
      pq.putMessages(messages);
      const order = [...messages].sort((a, b) => rank(a.queueOffset) - rank(b.queueOffset));
      const remaining = new Set(messages.map((m) => m.queueOffset));
      for (const done of order) {
        remaining.delete(done.queueOffset);
        const expected = remaining.size === 0 ? start + count : Math.min(...remaining);
        expect(pq.removeMessages([done])).toBe(expected);
      }
    },
  );

  type Op =
    | { kind: 'put'; gaps: number[]; sizes: number[] }
    | { kind: 'remove'; picks: number[] }
    | { kind: 'take'; count: number }
    | { kind: 'commit' }
    | { kind: 'again'; picks: number[] }
    | { kind: 'rollback' };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('put' as const), gaps: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 8 }), sizes: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('remove' as const), picks: fc.array(fc.nat(40), { maxLength: 6 }) }),
    fc.record({ kind: fc.constant('take' as const), count: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ kind: fc.constant('commit' as const) }),
    fc.record({ kind: fc.constant('again' as const), picks: fc.array(fc.nat(10), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('rollback' as const) }),
  );

  test.prop([fc.array(opArb, { maxLength: 40 })])('batch bookkeeping equals a map model', (ops) => {
    const pq = new ProcessQueue();
    const cached = new Map<number, MessageExt>();
    const consuming = new Map<number, MessageExt>();
    const all: MessageExt[] = [];
    let max = -1;
    const sorted = (map: Map<number, MessageExt>) => [...map.values()].sort((a, b) => a.queueOffset - b.queueOffset);
    for (const op of ops) {
      if (op.kind === 'put') {
        let next = max;
        const batch = op.gaps.map((gap, i) => message((next += gap), op.sizes[i]));
        expect(pq.putMessages(batch)).toBe(batch.length);
        for (const m of batch) { cached.set(m.queueOffset, m); all.push(m); }
        if (batch.length > 0) max = next;
      } else if (op.kind === 'remove') {
        const chosen = op.picks.map((i) => all[i] ?? message(10_000 + i));
        for (const m of chosen) cached.delete(m.queueOffset);
        const first = sorted(cached)[0];
        expect(pq.removeMessages(chosen)).toBe(first !== undefined ? first.queueOffset : max < 0 ? -1 : max + 1);
      } else if (op.kind === 'take') {
        const expected = sorted(cached).slice(0, op.count);
        for (const m of expected) { cached.delete(m.queueOffset); consuming.set(m.queueOffset, m); }
        expect(pq.takeMessages(op.count)).toEqual(expected);
      } else if (op.kind === 'commit') {
        const last = Math.max(-1, ...consuming.keys());
        consuming.clear();
        expect(pq.commit()).toBe(last < 0 ? -1 : last + 1);
      } else if (op.kind === 'again') {
        const inFlight = sorted(consuming);
        const back = op.picks.map((i) => inFlight[i]).filter((m): m is MessageExt => m !== undefined);
        for (const m of back) { consuming.delete(m.queueOffset); cached.set(m.queueOffset, m); }
        pq.makeMessageToConsumeAgain(back);
      } else {
        for (const m of consuming.values()) cached.set(m.queueOffset, m);
        consuming.clear();
        pq.rollback();
      }
      const bytes = [...cached.values(), ...consuming.values()].reduce((sum, m) => sum + m.body.length, 0);
      const first = sorted(cached)[0];
      expect([pq.messageCount, pq.messageBytes, pq.offsetSpan])
        .toEqual([cached.size + consuming.size, bytes, first === undefined ? 0 : max - first.queueOffset]);
    }
  });
});
