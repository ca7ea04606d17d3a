// Proves the SEND_BATCH_MESSAGE body matches the §3.6 layout byte for byte (hand-built entry:
// TOTALSIZE = 22 fixed + 2 body + 3 properties = 0x1b),
// round-trips several entries, and refuses truncated or inconsistent entries with
// ERR_BODY_MALFORMED.
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../../src/protocol/batch.js';

describe('batch body', () => {
  it('lays out one entry as the reference says', () => {
    const bytes = encodeBatch([{ flag: 5, body: Buffer.from('hi'), properties: 'A\u0001b' }]);
    const expected = Buffer.from(
      '0000001b' + '00000000' + '00000000' + '00000005' + '00000002' + '6869' + '0003' + '410162', 'hex');
    expect(bytes.equals(expected)).toBe(true);
    expect(decodeBatch(expected)).toEqual([{ flag: 5, body: Buffer.from('hi'), properties: 'A\u0001b' }]);
  });

  it('round-trips entries, including an empty body and a properties map', () => {
    const bytes = encodeBatch([
      { flag: 0, body: Buffer.alloc(0), properties: '' },
      { flag: -1, body: Buffer.from('x'.repeat(300)), properties: { KEYS: 'k', UNIQ_KEY: 'U' } },
    ]);
    const entries = decodeBatch(bytes);
    expect(entries.map((entry) => [entry.flag, entry.body.length, entry.properties]))
      .toEqual([[0, 0, ''], [-1, 300, 'KEYS\u0001k\u0002UNIQ_KEY\u0001U']]);
  });

  it('refuses malformed bodies', () => {
    const good = encodeBatch([{ flag: 0, body: Buffer.from('abc'), properties: 'a\u0001b' }]);
    const badSize = Buffer.from(good);
    badSize.writeInt32BE(1000, 0);
    const badBody = Buffer.from(good);
    badBody.writeInt32BE(-4, 16);
    const badProps = Buffer.from(good);
    badProps.writeInt16BE(9, 23);
    for (const bad of [good.subarray(0, 10), good.subarray(0, good.length - 1), badSize, badBody, badProps]) {
      expect(() => decodeBatch(bad)).toThrow(expect.objectContaining({ code: 'ERR_BODY_MALFORMED' }));
    }
  });
});
