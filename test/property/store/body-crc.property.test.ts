// Proves the store's body CRC (src/store/record-access.ts `bodyCrc`, `smallCrc32`): for random
// bytes at random positions and lengths on both sides of the JS/zlib crossover, the JS
// slicing-by-8 crc32 equals zlib.crc32 over the same bytes, and bodyCrc is that value masked to
// 31 bits (what records store), also when the bytes are a view into a larger buffer.
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyCrc, smallCrc32 } from '../../../src/store/record-access.js';

describe('store body CRC', () => {
  it('smallCrc32 equals zlib.crc32 and bodyCrc masks it, at any position and length', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.nat(40), fc.nat(40),
      (bytes, head, tail) => {
        const start = Math.min(head, bytes.length);
        const end = Math.max(start, bytes.length - tail);
        const expected = crc32(bytes.subarray(start, end));
        expect(smallCrc32(bytes, start, end)).toBe(expected);
        const framed = Buffer.concat([Buffer.alloc(3, 7), Buffer.from(bytes)]).subarray(3);
        expect(bodyCrc(framed, start, end)).toBe((expected & 0x7fffffff) >>> 0);
      },
    ), { numRuns: 500 });
  });
});
