// Proves the JS body CRC (send-crc.ts: slicing-by-8 below 256 B, zlib above) equals zlib's
// crc32 masked & 0x7fffffff for random bytes at every length 0..600 and random start offsets
// (every tail length of the 8-byte loop and both sides of the JS/zlib switch), and the
// standard check value of "123456789".
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyCrcOf, crc32Js } from '../../../../src/broker/data-plane/send-crc.js';

describe('send-crc', () => {
  it('gives the CRC-32 check value', () => {
    const bytes = Buffer.from('123456789', 'latin1');
    expect(crc32Js(bytes, 0, bytes.length)).toBe(0xcbf43926);
  });

  it('equals zlib crc32 over any slice', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(16), fc.nat(16), (data, before, after) => {
      const bytes = Buffer.concat([Buffer.alloc(before, 0xa5), data, Buffer.alloc(after, 0x5a)]);
      const end = before + data.length;
      expect(bodyCrcOf(bytes, before, end)).toBe(crc32(data) & 0x7fffffff);
      expect(crc32Js(bytes, before, end)).toBe(crc32(data) >>> 0);
    }), { numRuns: 1500 });
  });
});
