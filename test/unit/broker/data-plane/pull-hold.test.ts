// Proves the long-poll hold service resumes a held pull exactly once: when its queue's max
// offset passes the pull's offset (after a change notification), when its deadline passes, or on
// stop; and that it refuses to hold beyond its bound. Uses a FakeClock for deadlines.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/common/clock.js';
import { PullHoldService } from '../../../../src/broker/data-plane/pull-hold.js';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('PullHoldService', () => {
  it('resumes on a max-offset move, on a deadline, and on stop, once each', async () => {
    const maxOffsets = new Map<string, number>([['T@0', 3], ['T@1', 0]]);
    const clock = new FakeClock(1000);
    const holds = new PullHoldService({ maxOffset: (topic, queueId) => maxOffsets.get(`${topic}@${queueId}`) ?? 0 }, clock);
    const resumed: string[] = [];
    expect(holds.hold({ topic: 'T', queueId: 0, queueOffset: 3, deadlineMs: 5000, resume: () => resumed.push('data') })).toBe(true);
    expect(holds.hold({ topic: 'T', queueId: 1, queueOffset: 0, deadlineMs: 1100, resume: () => resumed.push('deadline') })).toBe(true);
    expect(holds.hold({ topic: 'T', queueId: 1, queueOffset: 0, deadlineMs: 9000, resume: () => resumed.push('stop') })).toBe(true);
    await tick();
    expect(resumed).toEqual([]);
    maxOffsets.set('T@0', 4);
    holds.notifyChanged();
    await tick();
    expect(resumed).toEqual(['data']);
    clock.advanceMs(200);
    await tick(120);
    expect(resumed).toEqual(['data', 'deadline']);
    holds.stop();
    holds.stop();
    expect(resumed).toEqual(['data', 'deadline', 'stop']);
    expect(holds.size).toBe(0);
  });

  it('refuses to hold past its bound', () => {
    const holds = new PullHoldService({ maxOffset: () => 0 }, new FakeClock(), 1);
    expect(holds.hold({ topic: 'T', queueId: 0, queueOffset: 0, deadlineMs: 1, resume: () => {} })).toBe(true);
    expect(holds.hold({ topic: 'T', queueId: 0, queueOffset: 0, deadlineMs: 1, resume: () => {} })).toBe(false);
    holds.stop();
  });
});
