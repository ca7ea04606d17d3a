// Proves the process queue commits "the smallest offset still being processed, or max+1 when
// empty" (reference §5.3) whatever order consumption finishes in, by removing messages in random
// orders (fast-check) and comparing with a model computed from the remaining set.
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
});
