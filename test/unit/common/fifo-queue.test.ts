// Proves FifoQueue against a plain array model (fast-check): any sequence of push / shift /
// clear keeps the same elements in the same order and the same size, including across the
// compaction points (emptied, and half the array taken past 1,024 slots).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../../src/common/fifo-queue.js';

type Op = { kind: 'push'; count: number } | { kind: 'shift'; count: number } | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 1500 }).map((count) => ({ kind: 'push' as const, count })) },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 1500 }).map((count) => ({ kind: 'shift' as const, count })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('FifoQueue', () => {
  it('behaves as an array used first in, first out', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const queue = new FifoQueue<number>();
      const model: number[] = [];
      let next = 0;
      for (const step of ops) {
        if (step.kind === 'push') {
          for (let i = 0; i < step.count; i++) {
            queue.push(next);
            model.push(next++);
          }
        } else if (step.kind === 'shift') {
          for (let i = 0; i < step.count && model.length > 0; i++) {
            expect(queue.peek()).toBe(model[0]);
            expect(queue.shift()).toBe(model.shift());
          }
        } else {
          queue.clear();
          model.length = 0;
        }
        expect(queue.size).toBe(model.length);
      }
    }), { numRuns: 200 });
  });

  it('refuses peek and shift on an empty queue', () => {
    const queue = new FifoQueue<string>();
    expect(() => queue.peek()).toThrow();
    queue.push('a');
    queue.shift();
    expect(() => queue.shift()).toThrow();
  });
});
