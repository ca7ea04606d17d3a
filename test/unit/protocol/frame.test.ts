// Proves the frame decoder's bounds and the JSON header reader's leniency (reference §1.3 and
// real-clients.md §1.2): a 4-byte prefix announcing 1 GiB throws ERR_FRAME_TOO_LARGE at once
// (nothing buffered), short/negative lengths and unknown serialize types throw
// ERR_FRAME_MALFORMED, and the JSON header accepts numbers/booleans as extField values,
// missing keys (defaults), unknown keys, any key order and \u0001 escapes.
import { describe, expect, it } from 'vitest';
import { SerializeType } from '../../../src/protocol/command.js';
import { decodeFrame, FrameDecoder } from '../../../src/protocol/frame.js';

function jsonFrame(header: string, body = Buffer.alloc(0)): Buffer {
  const headerBytes = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + body.length);
  out.writeInt32BE(4 + headerBytes.length + body.length, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  body.copy(out, 8 + headerBytes.length);
  return out;
}

describe('FrameDecoder bounds', () => {
  it('refuses a 1 GiB length prefix before buffering', () => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder((content) => frames.push(content));
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(1024 * 1024 * 1024, 0);
    expect(() => decoder.push(prefix)).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }));
    expect(frames).toHaveLength(0);
  });

  it('refuses it too when the prefix arrives split', () => {
    const decoder = new FrameDecoder(() => undefined);
    decoder.push(Buffer.from([0x40, 0]));
    expect(() => decoder.push(Buffer.from([0, 0]))).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }));
  });

  it('refuses negative and too-short lengths', () => {
    for (const length of [-1, 0, 3]) {
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(length, 0);
      expect(() => new FrameDecoder(() => undefined).push(prefix)).toThrow(expect.objectContaining({ code: 'ERR_FRAME_MALFORMED' }));
    }
  });

  it('refuses an unknown serialize type and a header longer than the frame', () => {
    const frame = jsonFrame('{"code":1}');
    frame.writeUInt8(2, 4);
    expect(() => decodeFrame(frame.subarray(4))).toThrow(expect.objectContaining({ code: 'ERR_FRAME_MALFORMED' }));
    const long = jsonFrame('{"code":1}');
    long.writeUInt32BE(999, 4);
    expect(() => decodeFrame(long.subarray(4))).toThrow(expect.objectContaining({ code: 'ERR_FRAME_MALFORMED' }));
  });
});

describe('JSON header leniency', () => {
  it('accepts numbers and booleans as extField values (ali-ons) and unknown keys in any order', () => {
    const frame = jsonFrame('{"opaque":3,"extFields":{"e":1,"k":false,"queueId":0,"x":null},"unknown":[1],'
      + '"language":"JAVA","code":310,"version":121,"flag":0}', Buffer.from('b'));
    expect(decodeFrame(frame.subarray(4))).toEqual({
      code: 310, language: 'JAVA', version: 121, opaque: 3, flag: 0, remark: null,
      extFields: { e: '1', k: 'false', queueId: '0' }, body: Buffer.from('b'), serializeType: SerializeType.JSON,
    });
  });

  it('fills defaults for missing keys', () => {
    expect(decodeFrame(jsonFrame('{"code":34}').subarray(4))).toMatchObject({
      code: 34, version: 0, flag: 0, opaque: 0, remark: null, extFields: null, body: null,
    });
  });

  it('keeps \\u0001/\\u0002 escapes inside strings', () => {
    const decoded = decodeFrame(jsonFrame('{"code":310,"extFields":{"i":"TAGS\\u0001a\\u0002KEYS\\u0001b"}}').subarray(4));
    expect(decoded.extFields?.['i']).toBe('TAGS\u0001a\u0002KEYS\u0001b');
  });

  it('refuses non-JSON, non-object headers and nested extField values', () => {
    for (const header of ['{', '[1]', '{"code":"x"}', '{"code":1,"extFields":{"a":{"b":1}}}', '{"code":1,"extFields":[1]}']) {
      expect(() => decodeFrame(jsonFrame(header).subarray(4))).toThrow(expect.objectContaining({ code: 'ERR_HEADER_MALFORMED' }));
    }
  });
});
