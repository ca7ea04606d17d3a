// Proves the SYNC_FLUSH release rule of the store worker: a held completion is released as 'ok'
// once the flushed offset covers its end, as FLUSH_DISK_TIMEOUT once its deadline passes first,
// and always in append order (a later append is never released before an earlier one).
import { describe, expect, it } from 'vitest';
import { CompletionCode, type Completion } from '../../../src/store/ring.js';
import { PendingSync } from '../../../src/store/pending-sync.js';

function completion(sequence: number): Completion {
  return { sequence, code: CompletionCode.OK, recordCount: 1, physicalOffset: sequence * 100, queueOffset: sequence, storeTimestampMs: 1 };
}

describe('PendingSync (group commit release)', () => {
  it('releases what a flush covers, times out what no flush covered in time, in order', () => {
    const pending = new PendingSync();
    for (let i = 0; i < 5; i++) pending.push(0, completion(i), (i + 1) * 100, 1000 + i * 10);
    const released: [number, number][] = [];
    const sink = (_producer: number, done: Completion): void => { released.push([done.sequence, done.code]); };
    pending.release(250, 500, sink);
    expect(released).toEqual([[0, CompletionCode.OK], [1, CompletionCode.OK]]);
    pending.release(250, 1025, sink);
    expect(released.slice(2)).toEqual([[2, CompletionCode.FLUSH_DISK_TIMEOUT]]);
    pending.release(500, 1025, sink);
    expect(released.slice(3)).toEqual([[3, CompletionCode.OK], [4, CompletionCode.OK]]);
    expect(pending.size).toBe(0);
  });

  it('keeps order across its ring wrap and growth', () => {
    const pending = new PendingSync();
    const released: number[] = [];
    const sink = (producer: number, done: Completion): void => { released.push(done.sequence * 10 + producer); };
    let next = 0;
    for (const [add, flushTo] of [[700, 500], [900, 1400], [3000, 4000]] as const) {
      for (let i = 0; i < add; i++, next++) pending.push(next % 3, completion(next), (next + 1) * 100, 1e12);
      pending.release(flushTo * 100, 0, sink);
    }
    expect(released).toEqual(Array.from({ length: 4000 }, (_, i) => i * 10 + (i % 3)));
    expect(pending.size).toBe(600);
  });
});
