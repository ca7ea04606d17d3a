// Proves the payload stamp: the intended send time written into a payload reads back exactly,
// payloads from one factory never share bytes (drivers may hold them until a later write), and
// payloads too small for a stamp or not written by the harness read as unstamped; a released
// payload is reused (restamped) and only a released one, so payloads in flight never share bytes,
// and a reused payload carries the template whose turn it is (one template: the bytes it kept).
import { describe, expect, it } from 'vitest';
import { PayloadFactory, STAMP_BYTES, readStamp } from '../../../bench/load/payload.js';

describe('PayloadFactory', () => {
  it('stamps each payload with its intended time and keeps them distinct', () => {
    const factory = new PayloadFactory([Buffer.alloc(64, 0x61)], 4);
    const payloads = Array.from({ length: 10 }, (_, i) => factory.next(1_700_000_000_000_000 + i * 0.5));
    payloads.forEach((payload, i) => {
      expect(payload.length).toBe(64);
      expect(readStamp(payload)).toBe(1_700_000_000_000_000 + i * 0.5);
      expect(payload.subarray(STAMP_BYTES).every((byte) => byte === 0x61)).toBe(true);
    });
  });

  it('cycles through its templates', () => {
    const factory = new PayloadFactory([Buffer.alloc(16, 1), Buffer.alloc(16, 2)]);
    expect(factory.next(1)[15]).toBe(1);
    expect(factory.next(2)[15]).toBe(2);
    expect(factory.next(3)[15]).toBe(1);
  });

  it('leaves small and foreign payloads unstamped', () => {
    const small = new PayloadFactory([Buffer.alloc(STAMP_BYTES - 1, 7)]).next(123);
    expect(small.every((byte) => byte === 7)).toBe(true);
    expect(readStamp(small)).toBeUndefined();
    expect(readStamp(Buffer.from('Hello RocketMQ, a body from a real client'))).toBeUndefined();
  });

  it('reuses released payloads only, restamped', () => {
    const factory = new PayloadFactory([Buffer.alloc(32, 0x62)], 4);
    const first = factory.next(1);
    const second = factory.next(2);
    expect(first.buffer === second.buffer && first.byteOffset === second.byteOffset).toBe(false);
    factory.release(first);
    expect(factory.freeCount).toBe(1);
    const third = factory.next(3);
    expect(third.byteOffset).toBe(first.byteOffset);
    expect(third.buffer).toBe(first.buffer);
    expect(readStamp(third)).toBe(3);
    expect(readStamp(second)).toBe(2);
    const fourth = factory.next(4);
    expect(fourth.byteOffset === second.byteOffset && fourth.buffer === second.buffer).toBe(false);
    expect(readStamp(second)).toBe(2);
    expect(factory.freeCount).toBe(0);
  });

  it('refills a released payload from the template whose turn it is', () => {
    const factory = new PayloadFactory([Buffer.alloc(16, 1), Buffer.alloc(16, 2)]);
    const first = factory.next(1);
    factory.release(first);
    const second = factory.next(2);
    expect(second.buffer === first.buffer && second.byteOffset === first.byteOffset).toBe(true);
    expect(second[15]).toBe(2);
    expect(readStamp(second)).toBe(2);
  });
});
