// Proves FrameDecoder's in-place read path (readTarget): a reader that reads into the lent view
// of an awaited large frame gets the same frames, byte for byte and in order, as one that pushes
// fresh chunks; the large frame is delivered as the lent buffer itself (no copy); a frame split
// at every byte boundary decodes; frames of at most IN_PLACE_FRAME_BYTES_MIN are never lent;
// chunks that are not the lent view are copied in (and the bytes beyond the frame decoded);
// lengths over the limit throw before any allocation and nothing is lent afterwards.
import { describe, expect, it } from 'vitest';
import { FrameDecoder, IN_PLACE_FRAME_BYTES_MIN, LENGTH_PREFIX_BYTES } from '../../../src/protocol/frame.js';

/** A frame whose content is `contentBytes` long, filled with a pattern seeded by `seed`. */
function frameOf(contentBytes: number, seed: number): Buffer {
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + contentBytes);
  frame.writeInt32BE(contentBytes, 0);
  for (let i = LENGTH_PREFIX_BYTES; i < frame.length; i++) frame[i] = (i * 31 + seed * 7) & 0xff;
  return frame;
}

interface ReadLog { frames: Buffer[]; lentReads: number; lentBuffers: Set<ArrayBufferLike> }

/**
 * Feeds `stream` like a socket with a user buffer: before each read asks readTarget(); reads at
 * most `readBytes(step)` bytes into the lent view or into a fresh buffer, then pushes the view.
 */
function readAll(stream: Buffer, readBytes: (step: number) => number, decoder?: FrameDecoder): ReadLog {
  const log: ReadLog = { frames: [], lentReads: 0, lentBuffers: new Set() };
  const used = decoder ?? new FrameDecoder((content) => log.frames.push(content));
  let position = 0;
  for (let step = 0; position < stream.length; step++) {
    const target = used.readTarget();
    const want = Math.max(1, readBytes(step));
    const into = target ?? Buffer.allocUnsafe(want);
    const n = Math.min(want, into.length, stream.length - position);
    stream.copy(into, 0, position, position + n);
    position += n;
    if (target !== null) {
      log.lentReads++;
      log.lentBuffers.add(target.buffer);
    }
    used.push(into.subarray(0, n));
  }
  return log;
}

function contents(frames: readonly Buffer[]): Buffer[] {
  return frames.map((frame) => frame.subarray(LENGTH_PREFIX_BYTES));
}

/** Byte equality of two frame lists (Buffer.equals: toEqual walks large buffers slowly). */
function expectSameFrames(actual: readonly Buffer[], expected: readonly Buffer[]): void {
  expect(actual.map((frame) => frame.length)).toEqual(expected.map((frame) => frame.length));
  actual.forEach((frame, index) => {
    if (!frame.equals(expected[index] as Buffer)) expect.fail(`frame ${index} differs`);
  });
}

describe('FrameDecoder in-place reads', () => {
  const mixed = [frameOf(100, 1), frameOf(200 * 1024, 2), frameOf(12, 3), frameOf(IN_PLACE_FRAME_BYTES_MIN, 4),
    frameOf(IN_PLACE_FRAME_BYTES_MIN + 1, 5), frameOf(256 * 1024, 6), frameOf(4, 7)];
  const stream = Buffer.concat(mixed);

  it('decodes mixed small and large frames (golden bytes) and lends only the large ones', () => {
    const log = readAll(stream, () => 64 * 1024);
    expectSameFrames(log.frames, contents(mixed));
    // Lent: the 200 KiB, the 64 KiB + 1 and the 256 KiB frame; each is delivered as the lent buffer.
    expect(log.lentBuffers.size).toBe(3);
    for (const index of [1, 4, 5]) expect(log.lentBuffers.has((log.frames[index] as Buffer).buffer)).toBe(true);
    for (const index of [0, 2, 3, 6]) expect(log.lentBuffers.has((log.frames[index] as Buffer).buffer)).toBe(false);
  });

  it('gives the same frames for read sizes from 1 byte to the whole stream', () => {
    for (const readBytes of [4093, 65536, 65537, 300000, stream.length]) {
      expectSameFrames(readAll(stream, () => readBytes).frames, contents(mixed));
    }
    const short = [frameOf(5, 1), frameOf(IN_PLACE_FRAME_BYTES_MIN + 7, 2), frameOf(9, 3)];
    for (const readBytes of [1, 3, 4, 5]) {
      expectSameFrames(readAll(Buffer.concat(short), (step) => (step < 40 ? readBytes : 1000)).frames, contents(short));
    }
  });

  it('decodes a large frame between small ones split at every byte boundary', () => {
    const parts = [frameOf(10, 1), frameOf(IN_PLACE_FRAME_BYTES_MIN + 3, 2), frameOf(20, 3)];
    const joined = Buffer.concat(parts);
    const expected = contents(parts);
    for (let cut = 1; cut < joined.length; cut++) {
      const log = readAll(joined, (step) => (step === 0 ? cut : joined.length));
      const same = log.frames.length === 3 && log.frames.every((frame, index) => frame.equals(expected[index] as Buffer));
      if (!same) expect.fail(`frames differ when the stream is cut at byte ${cut}`);
    }
  });

  it('copies chunks that are not the lent view, decoding the bytes after the frame', () => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder((content) => frames.push(content));
    const large = frameOf(IN_PLACE_FRAME_BYTES_MIN * 2, 9);
    const after = frameOf(30, 10);
    decoder.push(large.subarray(0, 1000));
    const lent = decoder.readTarget();
    expect(lent?.length).toBe(large.length - 1000);
    expect(decoder.bufferedBytes).toBe(1000);
    // The reader ignores the lent view: the rest of the frame plus the next frame in one chunk.
    decoder.push(Buffer.concat([large.subarray(1000), after]));
    expectSameFrames(frames, contents([large, after]));
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.readTarget()).toBeNull();
  });

  it('lends nothing until the whole length prefix is here, nor for a frame of the threshold size', () => {
    const decoder = new FrameDecoder(() => undefined);
    expect(decoder.readTarget()).toBeNull();
    const large = frameOf(IN_PLACE_FRAME_BYTES_MIN * 2, 1);
    decoder.push(large.subarray(0, 3));
    expect(decoder.readTarget()).toBeNull();
    decoder.push(large.subarray(3, 9));
    expect(decoder.readTarget()?.length).toBe(large.length - 9);
    const atThreshold = new FrameDecoder(() => undefined);
    atThreshold.push(frameOf(IN_PLACE_FRAME_BYTES_MIN, 2).subarray(0, 10));
    expect(atThreshold.readTarget()).toBeNull();
  });

  it('throws ERR_FRAME_TOO_LARGE for a length over the limit before lending anything', () => {
    const limitBytes = 256 * 1024;
    const decoder = new FrameDecoder(() => undefined, limitBytes);
    const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
    prefix.writeInt32BE(16 * 1024 * 1024, 0);
    expect(() => decoder.push(prefix)).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }));
    expect(decoder.readTarget()).toBeNull();
    const within = new FrameDecoder(() => undefined, limitBytes);
    within.push(frameOf(limitBytes, 1).subarray(0, 100));
    expect(within.readTarget()?.length).toBe(limitBytes - 96);
  });

  it('throws ERR_FRAME_MALFORMED for a bad length right after an in-place frame', () => {
    const decoder = new FrameDecoder(() => undefined);
    const bad = Buffer.alloc(LENGTH_PREFIX_BYTES);
    bad.writeInt32BE(-5, 0);
    const stream = Buffer.concat([frameOf(IN_PLACE_FRAME_BYTES_MIN + 10, 1), bad]);
    decoder.push(stream.subarray(0, 50));
    expect(decoder.readTarget()).not.toBeNull();
    expect(() => decoder.push(stream.subarray(50))).toThrow(expect.objectContaining({ code: 'ERR_FRAME_MALFORMED' }));
  });
});
