// Proves the store worker's one-pass index-key scan (index-file.ts scanIndexKeyHashes) yields
// exactly the hashes, in the same order, as the reference two-pass scan (index-key-reference.ts,
// the store's earlier scan) and, when no key name repeats, as the string path (indexKeysOf +
// indexKeyHash), for random property
// texts built from pieces that look like, or nearly like, UNIQ_KEY and KEYS pairs (empty values,
// missing or extra \u0001, spaces, non-ASCII keys, stray separators), at a random position in a
// larger buffer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexKeyHash, scanIndexKeyHashes, topicHashPrefix } from '../../../src/store/index-file.js';
import { indexKeysOf } from '../../../src/store/record-access.js';
import { referenceIndexKeyHashes } from './index-key-reference.js';

const names = fc.constantFrom('UNIQ_KEY', 'KEYS', 'UNIQ_KEYS', 'KEY', 'UNIQ_KE', 'TAGS', 'CLUSTER', '', 'U', 'K');
const valueChars = fc.constantFrom('a', 'B', '7', ' ', '\u0001', 'é', '中', '_', 'K', 'U');
const value = fc.array(valueChars, { maxLength: 12 }).map((chars) => chars.join(''));
const piece = fc.oneof(
  fc.tuple(names, value).map(([name, text]) => `${name}\u0001${text}`),
  fc.tuple(names, value).map(([name, text]) => `${name}${text}`),
);
const properties = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join('\u0002'));

function collect(scan: (sink: (hash: number) => void) => void): number[] {
  const hashes: number[] = [];
  scan((hash) => hashes.push(hash));
  return hashes;
}

/** Pieces of `text` that are a `name` pair with a non-empty value. */
function pairsNamed(text: string, name: string): number {
  return text.split('\u0002').filter((piece) => piece.startsWith(`${name}\u0001`) && piece.length > name.length + 1).length;
}

describe('scanIndexKeyHashes', () => {
  it('matches the reference scan and the string path', () => {
    fc.assert(fc.property(properties, fc.string({ maxLength: 8 }), fc.nat(5), fc.nat(5), (text, topic, before, after) => {
      const bytes = Buffer.from(text, 'utf8');
      const buffer = Buffer.concat([Buffer.alloc(before, 2), bytes, Buffer.alloc(after, 0x55)]);
      const prefix = topicHashPrefix(topic);
      const end = before + bytes.length;
      const fast = collect((sink) => scanIndexKeyHashes(buffer, before, end, prefix, sink));
      const reference = collect((sink) => referenceIndexKeyHashes(buffer, before, end, prefix, sink));
      expect(fast).toEqual(reference);
      if (pairsNamed(text, 'UNIQ_KEY') <= 1 && pairsNamed(text, 'KEYS') <= 1) {
        // The string path reads the first pair of a name (UNIQ_KEY before KEYS); the byte scans
        // index every pair in piece order.
        expect([...fast].sort()).toEqual(indexKeysOf(text).map((key) => indexKeyHash(prefix, key)).sort());
      }
    }), { numRuns: 3000 });
  });
});
