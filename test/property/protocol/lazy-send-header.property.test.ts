// Proves that the broker's byte-level SEND header path equals the generic one. For random binary
// SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE requests (keys drawn from a..n plus strangers, repeated keys,
// values that are valid numbers, out-of-range numbers, signs, junk, "TRUE"/"true "/non-ASCII, or
// missing), a frame decoded lazily (BinaryRequest) gives the same extFields as the eager decoder,
// and decodeSendMessageRequestHeaderV2Bytes returns the same header, or throws the same error
// code and message, as decodeSendMessageRequestHeaderV2 over the decoded map. fast-check prints
// the failing seed; SEED=<n> replays it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryRequest } from '../../../src/protocol/binary-request.js';
import { type RemotingCommand, SerializeType, createRequest } from '../../../src/protocol/command.js';
import { decodeFrame, encodeCommand } from '../../../src/protocol/frame.js';
import {
  decodeSendMessageRequestHeaderV2, decodeSendMessageRequestHeaderV2Bytes,
} from '../../../src/protocol/headers/send-message.js';

const params = { numRuns: 300, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };
const LAZY = new Set([310, 320]);

const value = fc.oneof(
  fc.integer({ min: -2147483648, max: 2147483647 }).map(String),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.constantFrom('', '-', '+', '+7', '-0', '2147483648', '-2147483649', '9007199254740993', '12a', ' 1',
    'true', 'TRUE', 'True', 'true ', 'tru', 'false', 'ｔrue', '00000000000000000001', '000000000000000000001'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 33, maxLength: 80 }),
);
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmn'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('o', 'z', 'A', 'ab', 'topic', 'é', '') },
);
const entries = fc.array(fc.tuple(key, value), { maxLength: 24 });

function frameContent(code: number, pairs: ReadonlyArray<readonly [string, string]>): Buffer {
  const ext: Record<string, string> = {};
  for (const [name, text] of pairs) ext[name] = text;
  const command: RemotingCommand = {
    ...createRequest(code, pairs.length === 0 ? null : ext, Buffer.from('body')), serializeType: SerializeType.ROCKETMQ,
  };
  return encodeCommand(command).subarray(4);
}

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code, message };
  }
}

describe('lazy binary SEND headers', () => {
  it('decode to the same extFields and the same typed header (or error) as the eager path', () => {
    fc.assert(fc.property(fc.constantFrom(310, 320), entries, (code, pairs) => {
      const content = frameContent(code, pairs);
      const eager = decodeFrame(content);
      const lazy = decodeFrame(content, LAZY);
      expect(lazy).toBeInstanceOf(BinaryRequest);
      const { bytes, start, end } = (lazy as BinaryRequest).extBytes;
      expect(outcome(() => decodeSendMessageRequestHeaderV2Bytes(bytes, start, end)))
        .toEqual(outcome(() => decodeSendMessageRequestHeaderV2(eager.extFields)));
      expect(lazy.extFields).toEqual(eager.extFields);
      expect([lazy.code, lazy.opaque, lazy.flag, lazy.version, lazy.language, lazy.remark, lazy.body])
        .toEqual([eager.code, eager.opaque, eager.flag, eager.version, eager.language, eager.remark, eager.body]);
    }), params);
  });

  it('leaves other codes, responses and JSON headers to the eager decoder', () => {
    const pairs: Array<[string, string]> = [['a', 'g'], ['b', 'T']];
    expect(decodeFrame(frameContent(11, pairs), LAZY)).not.toBeInstanceOf(BinaryRequest);
    const response = frameContent(310, pairs);
    response.writeInt32BE(1, 13);
    expect(decodeFrame(response, LAZY)).not.toBeInstanceOf(BinaryRequest);
    const json = encodeCommand(createRequest(310, { a: 'g' })).subarray(4);
    expect(decodeFrame(json, LAZY)).not.toBeInstanceOf(BinaryRequest);
  });

  it('refuses a malformed ext map at decode time, as the eager decoder does', () => {
    const content = frameContent(310, [['a', 'group'], ['b', 'topic']]);
    const headerLength = content.readUInt32BE(0) & 0xffffff;
    content.writeInt16BE(0x7fff, 4 + headerLength - 'topic'.length - 4 - 1 - 2);
    const eager = outcome(() => decodeFrame(content));
    expect(eager).toMatchObject({ code: 'ERR_HEADER_MALFORMED' });
    expect(outcome(() => decodeFrame(content, LAZY))).toEqual(eager);
  });
});
