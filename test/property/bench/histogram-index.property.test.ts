// Proves the load harness's fast histogram index (bench/load/stats.ts installIntegerIndex) is
// the library's own: for integers across the whole range (powers of two and their neighbours
// included), values outside the integer path, and both histogram sizes the harness builds, a
// patched histogram computes the same counts index as an unpatched hdr-histogram-js one, and the
// same recorded values give the same encoded histogram.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { build } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, newHistogram } from '../../../bench/load/stats.js';

type Indexed = Histogram & { countsArrayIndex(value: number): number };

function reference(highestUs: number): Indexed {
  return build({
    bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: highestUs,
    numberOfSignificantValueDigits: 3, useWebAssembly: false,
  }) as Indexed;
}

const HIGHEST = [60 * 1_000_000, 12 * 3600 * 1_000_000];
const nearPowersOfTwo = fc.tuple(fc.integer({ min: 0, max: 45 }), fc.integer({ min: -2, max: 2 }))
  .map(([exponent, delta]) => Math.max(1, 2 ** exponent + delta));
const values = fc.oneof(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 5000 }), nearPowersOfTwo,
  fc.double({ min: 1, max: 2 ** 40, noNaN: true }));

describe('installIntegerIndex', () => {
  test.prop([fc.constantFrom(...HIGHEST), values])('computes the library\'s counts index', (highestUs, value) => {
    const fast = newHistogram(highestUs) as Indexed;
    expect(fast.countsArrayIndex(value)).toBe(reference(highestUs).countsArrayIndex(value));
  });

  test.prop([fc.constantFrom(...HIGHEST), fc.array(fc.integer({ min: 1, max: 60 * 1_000_000 }), { minLength: 1, maxLength: 200 })])(
    'records what the library records',
    (highestUs, recorded) => {
      const fast = newHistogram(highestUs);
      const plain = reference(highestUs);
      for (const value of recorded) {
        fast.recordValue(value);
        plain.recordValue(value);
      }
      expect(encodeHistogram(fast)).toBe(encodeHistogram(plain));
      expect(fast.getValueAtPercentile(99)).toBe(plain.getValueAtPercentile(99));
    },
  );
});
