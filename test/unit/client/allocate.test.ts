// Proves the average allocation strategy matches RocketMQ's AllocateMessageQueueAveragely on
// hand-worked cases from the reference's formula, and (property) that over all clients of a
// group the allocations are disjoint, cover every queue, and differ in size by at most one.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { allocateAveragely, allocateAveragelyByCircle } from '../../../src/client/allocate.js';
import type { MessageQueue } from '../../../src/client/message-queue.js';

function queues(count: number): MessageQueue[] {
  return Array.from({ length: count }, (_, queueId) => ({ topic: 'T', brokerName: 'b', queueId }));
}

describe('allocateAveragely', () => {
  it('splits 8 queues over 3 clients as 3/3/2 contiguous blocks', () => {
    const all = queues(8);
    const ids = ['a', 'b', 'c'];
    expect(allocateAveragely('g', 'a', all, ids).map((q) => q.queueId)).toEqual([0, 1, 2]);
    expect(allocateAveragely('g', 'b', all, ids).map((q) => q.queueId)).toEqual([3, 4, 5]);
    expect(allocateAveragely('g', 'c', all, ids).map((q) => q.queueId)).toEqual([6, 7]);
  });

  it('gives nothing to extra clients and to unknown ones', () => {
    const all = queues(2);
    expect(allocateAveragely('g', 'c', all, ['a', 'b', 'c'])).toEqual([]);
    expect(allocateAveragely('g', 'z', all, ['a', 'b'])).toEqual([]);
  });

  test.prop([fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 12 })])(
    'is a partition with balanced sizes',
    (queueCount, clientCount) => {
      const all = queues(queueCount);
      const ids = Array.from({ length: clientCount }, (_, i) => `c${String(i).padStart(3, '0')}`);
      for (const strategy of [allocateAveragely, allocateAveragelyByCircle]) {
        const parts = ids.map((id) => strategy('g', id, all, ids).map((q) => q.queueId));
        const flat = parts.flat().sort((a, b) => a - b);
        expect(flat).toEqual(all.map((q) => q.queueId));
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    },
  );
});
