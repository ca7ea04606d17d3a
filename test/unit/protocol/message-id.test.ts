// Proves offset message ids match the reference example (10.0.0.1:10911 @ 0x12345), decode
// back for IPv4 and IPv6, refuse bad text, and that UNIQ_KEYs are 32 uppercase hex chars with
// the fixed prefix, a wrapping counter and a recoverable timestamp (injected clock).
import { describe, expect, it } from 'vitest';
import {
  decodeOffsetMsgId, encodeOffsetMsgId, UniqKeyGenerator, uniqKeyIp, uniqKeyTimestampMs,
} from '../../../src/protocol/message-id.js';

describe('offset message id', () => {
  it('matches the reference example', () => {
    expect(encodeOffsetMsgId('10.0.0.1:10911', 0x12345)).toBe('0A00000100002A9F0000000000012345');
    expect(decodeOffsetMsgId('0A00000100002A9F0000000000012345')).toEqual({ storeHost: '10.0.0.1:10911', physicalOffset: 0x12345 });
  });

  it('handles IPv6 and large offsets', () => {
    const id = encodeOffsetMsgId('[2001:db8::7]:10911', 2 ** 40 + 5);
    expect(id).toHaveLength(56);
    expect(decodeOffsetMsgId(id)).toEqual({ storeHost: '2001:db8:0:0:0:0:0:7:10911', physicalOffset: 2 ** 40 + 5 });
  });

  it('refuses ids of the wrong length or with non-hex characters', () => {
    for (const bad of ['', 'ABC', 'Z'.repeat(32), '0A00000100002A9F00000000000123']) {
      expect(() => decodeOffsetMsgId(bad)).toThrow(expect.objectContaining({ code: 'ERR_HEADER_MALFORMED' }));
    }
  });
});

describe('UNIQ_KEY', () => {
  it('has Java\'s layout: ip, pid, hash, ms since month start, counter', () => {
    const nowMs = new Date(2024, 4, 3, 12, 0, 0).getTime();
    const generator = new UniqKeyGenerator({ ipBytes: Uint8Array.of(192, 168, 0, 1), pid: 0x1234, hash: 0x0badcafe, nowMs: () => nowMs });
    const first = generator.next();
    const second = generator.next();
    const sinceMonthStart = nowMs - new Date(2024, 4, 1).getTime();
    expect(first).toBe(`C0A8000112340BADCAFE${sinceMonthStart.toString(16).toUpperCase().padStart(8, '0')}0000`);
    expect(second.slice(-4)).toBe('0001');
    expect(uniqKeyTimestampMs(first, nowMs + 1000)).toBe(nowMs);
    expect(uniqKeyIp(first)).toBe('192.168.0.1');
  });

  it('wraps the counter at 16 bits and produces unique ids meanwhile', () => {
    const generator = new UniqKeyGenerator({ ipBytes: Uint8Array.of(1, 2, 3, 4), nowMs: () => 1_700_000_000_000 });
    const seen = new Set<string>();
    for (let i = 0; i < 65_536; i++) seen.add(generator.next());
    expect(seen.size).toBe(65_536);
    expect(generator.next().slice(-4)).toBe('0000');
  });

  it('resolves an id from late last month against the previous month start', () => {
    const createdMs = new Date(2024, 0, 31, 23, 0, 0).getTime();
    const id = new UniqKeyGenerator({ ipBytes: Uint8Array.of(1, 2, 3, 4), nowMs: () => createdMs }).next();
    expect(uniqKeyTimestampMs(id, new Date(2024, 1, 1, 1, 0, 0).getTime())).toBe(createdMs);
  });
});
