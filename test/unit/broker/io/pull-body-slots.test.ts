// Proves the lifecycle of the shared pull body slots: every slot can be handed out once, the
// pool then reports exhaustion (-1) and counts it; a body handed out is a view of its slot's
// bytes; the slot is free again exactly once when a transport reports the body written (a
// second report, or a report for a body without a hook, frees nothing); `release` frees a slot
// whose pull left no body. How: a small pool driven directly, the write reports made with the
// transports' own `written` (src/remoting/write-hooks.ts).
import { describe, expect, it } from 'vitest';
import { PullBodySlots } from '../../../../src/broker/io/pull-body-slots.js';
import { hasWriteHook, written } from '../../../../src/remoting/write-hooks.js';

describe('PullBodySlots', () => {
  it('hands out each slot once, then reports exhaustion', () => {
    const slots = new PullBodySlots(3, 64);
    const taken = [slots.acquire(), slots.acquire(), slots.acquire()];
    expect(new Set(taken)).toEqual(new Set([0, 1, 2]));
    expect(slots.acquire()).toBe(-1);
    expect(slots.exhaustedCount).toBe(1);
    slots.release(taken[1] as number);
    expect(slots.acquire()).toBe(taken[1]);
  });

  it('gives a view of the slot bytes and frees the slot once when the body is written', () => {
    const slots = new PullBodySlots(2, 32);
    const slot = slots.acquire();
    const other = slots.acquire();
    new Uint8Array(slots.memory, slot * 32, 32).fill(9, 0, 5);
    const body = slots.bodyOf(slot, 5);
    expect(body.buffer).toBe(slots.memory);
    expect([...body]).toEqual([9, 9, 9, 9, 9]);
    expect(hasWriteHook(body)).toBe(true);
    expect(slots.freeCount).toBe(0);
    written(body);
    expect(slots.freeCount).toBe(1);
    written(body);
    expect(slots.freeCount).toBe(1);
    expect(slots.acquire()).toBe(slot);
    slots.release(other);
    expect(slots.freeCount).toBe(1);
  });

  it('refuses a body larger than its slot and a slot out of range', () => {
    const slots = new PullBodySlots(1, 16);
    expect(() => slots.bodyOf(0, 17)).toThrow();
    expect(() => slots.release(1)).toThrow();
    expect(() => slots.bodyOf(-1, 1)).toThrow();
  });
});
