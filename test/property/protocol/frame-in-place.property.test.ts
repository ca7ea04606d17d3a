// Property (fast-check): for any sequence of frames (small, around and well above
// IN_PLACE_FRAME_BYTES_MIN) and any read sizes, a FrameDecoder fed by a reader that fills the
// lent view (readTarget) when there is one, or ignores it at random and pushes fresh chunks,
// emits exactly the frames' contents in order and ends with nothing buffered. SEED=<n> replays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, IN_PLACE_FRAME_BYTES_MIN, LENGTH_PREFIX_BYTES } from '../../../src/protocol/frame.js';

const params = { numRuns: 60, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };

const contentBytes = fc.oneof(
  fc.integer({ min: 4, max: 300 }),
  fc.integer({ min: IN_PLACE_FRAME_BYTES_MIN - 2, max: IN_PLACE_FRAME_BYTES_MIN + 2 }),
  fc.integer({ min: IN_PLACE_FRAME_BYTES_MIN + 3, max: 3 * IN_PLACE_FRAME_BYTES_MIN }),
);

function frameOf(bytes: number, seed: number): Buffer {
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + bytes);
  frame.writeInt32BE(bytes, 0);
  for (let i = LENGTH_PREFIX_BYTES; i < frame.length; i++) frame[i] = (i + seed * 101) & 0xff;
  return frame;
}

describe('FrameDecoder in-place reads (property)', () => {
  it('emits every frame intact whatever the read sizes and whether the lent view is used', () => {
    fc.assert(fc.property(
      fc.array(contentBytes, { minLength: 1, maxLength: 6 }),
      fc.array(fc.record({ readBytes: fc.integer({ min: 1, max: 100_000 }), useLent: fc.boolean() }), { minLength: 1, maxLength: 20 }),
      (sizes, reads) => {
        const frames = sizes.map((bytes, index) => frameOf(bytes, index));
        const stream = Buffer.concat(frames);
        const emitted: Buffer[] = [];
        const decoder = new FrameDecoder((content) => emitted.push(content));
        let position = 0;
        for (let step = 0; position < stream.length; step++) {
          const read = reads[step % reads.length] as { readBytes: number; useLent: boolean };
          const lent = decoder.readTarget();
          const into = lent !== null && read.useLent ? lent : Buffer.allocUnsafe(read.readBytes);
          const n = Math.min(read.readBytes, into.length, stream.length - position);
          stream.copy(into, 0, position, position + n);
          position += n;
          decoder.push(into.subarray(0, n));
        }
        expect(emitted.length).toBe(frames.length);
        emitted.forEach((content, index) => {
          expect(content.equals((frames[index] as Buffer).subarray(LENGTH_PREFIX_BYTES))).toBe(true);
        });
        expect(decoder.bufferedBytes).toBe(0);
      },
    ), params);
  });
});
