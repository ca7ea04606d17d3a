// Proves the I/O thread's buffer of pull-committed offsets keeps exactly the latest offset per
// (group, topic, queueId), hands them over in first-commit order, empties on take, and never
// merges two different queues whatever their names hold (checked against a plain model).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommitOffsetBuffer } from '../../../../src/broker/io/commit-offset-buffer.js';

describe('CommitOffsetBuffer', () => {
  it('keeps the latest offset per queue, in first-commit order, and empties on take', () => {
    const buffer = new CommitOffsetBuffer();
    buffer.put('G', 'T', 0, 5);
    buffer.put('G', 'T', 1, 7);
    buffer.put('G', 'T', 0, 9);
    expect(buffer.size).toBe(2);
    expect(buffer.take()).toEqual([
      { group: 'G', topic: 'T', queueId: 0, queueOffset: 9 },
      { group: 'G', topic: 'T', queueId: 1, queueOffset: 7 },
    ]);
    expect(buffer.size).toBe(0);
    expect(buffer.take()).toEqual([]);
  });

  it('tells apart names that would collide under a naive separator', () => {
    const buffer = new CommitOffsetBuffer();
    buffer.put('a:b', 'c', 1, 1);
    buffer.put('a', 'b:c', 1, 2);
    buffer.put('a', 'b:c:1', 1, 3);
    buffer.put('a', 'b', 11, 4);
    buffer.put('a', 'b1', 1, 5);
    expect(buffer.take().map((entry) => entry.queueOffset)).toEqual([1, 2, 3, 4, 5]);
  });

  it('matches a model keyed by the exact triple', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', ':', '1', '%'), maxLength: 4 });
    const put = fc.record({ group: name, topic: name, queueId: fc.nat(12), queueOffset: fc.nat(1000) });
    fc.assert(fc.property(fc.array(put, { maxLength: 40 }), (puts) => {
      const buffer = new CommitOffsetBuffer();
      const model: { group: string; topic: string; queueId: number; queueOffset: number }[] = [];
      for (const entry of puts) {
        buffer.put(entry.group, entry.topic, entry.queueId, entry.queueOffset);
        const same = model.find((m) => m.group === entry.group && m.topic === entry.topic && m.queueId === entry.queueId);
        if (same === undefined) model.push({ ...entry });
        else same.queueOffset = entry.queueOffset;
      }
      expect(buffer.take()).toEqual(model);
    }));
  });
});
