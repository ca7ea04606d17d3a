// Proves the decoders fail only in the typed way: random bytes (and mutated valid frames) fed
// to decodeFrame / FrameDecoder either decode or throw a PetrelError with ERR_FRAME_MALFORMED,
// ERR_FRAME_TOO_LARGE or ERR_HEADER_MALFORMED, never a RangeError/TypeError; records throw
// only ERR_RECORD_MALFORMED, batch bodies and JSON bodies only ERR_BODY_MALFORMED, typed
// headers only ERR_HEADER_FIELD_MISSING. SEED=<n> replays a failure.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { isPetrelError } from '../../../src/common/errors.js';
import { decodeBatch } from '../../../src/protocol/batch.js';
import { decodeHeartbeatData } from '../../../src/protocol/bodies/client.js';
import { decodeTopicRouteData } from '../../../src/protocol/bodies/route.js';
import { createRequest, SerializeType } from '../../../src/protocol/command.js';
import { parseFastjson } from '../../../src/protocol/fastjson.js';
import { decodeFrame, encodeCommand, FrameDecoder } from '../../../src/protocol/frame.js';
import { decodePullMessageRequestHeader } from '../../../src/protocol/headers/pull-message.js';
import { decodeSendMessageRequestHeaderV2 } from '../../../src/protocol/headers/send-message.js';
import { encodeRecord } from '../../../src/protocol/record.js';
import { decodeRecord, decodeRecords } from '../../../src/protocol/record-decode.js';

const params = { numRuns: 500, ...(process.env['SEED'] ? { seed: Number(process.env['SEED']) } : {}) };

function failsOnlyWith(codes: readonly string[], action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!isPetrelError(error) || !codes.includes(error.code)) throw error;
  }
}

const bytes = fc.uint8Array({ maxLength: 200 }).map((array) => Buffer.from(array));
const FRAME_CODES = ['ERR_FRAME_MALFORMED', 'ERR_FRAME_TOO_LARGE', 'ERR_HEADER_MALFORMED'];

const validFrames = [SerializeType.JSON, SerializeType.ROCKETMQ].map((serializeType) => encodeCommand({
  ...createRequest(310, { a: 'pg', b: 'T', i: 'TAGS\u0001a' }, Buffer.from('body')), remark: 'r', serializeType,
}));

/** A valid frame with a few bytes overwritten: reaches deeper decoder branches than pure noise. */
const mutatedFrame = fc.tuple(fc.constantFrom(...validFrames), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
  .map(([frame, edits]) => {
    const copy = Buffer.from(frame);
    for (const [at, value] of edits) copy[at % copy.length] = value;
    return copy;
  });

describe('malformed input', () => {
  it('frames: random or mutated bytes throw only frame/header PetrelErrors', () => {
    fc.assert(fc.property(fc.oneof(bytes, mutatedFrame), (input) => {
      failsOnlyWith(FRAME_CODES, () => decodeFrame(input.subarray(Math.min(4, input.length))));
      failsOnlyWith(FRAME_CODES, () => new FrameDecoder((content) => decodeFrame(content), 4096).push(input));
    }), params);
  });

  const record = encodeRecord({
    topic: 'T', body: Buffer.from('b'), properties: 'a\u0001b', queueId: 0, flag: 0, sysFlag: 0,
    bornTimestampMs: 1, bornHost: '1.2.3.4:5',
  });
  const mutatedRecord = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })
    .map((edits) => {
      const copy = Buffer.from(record);
      for (const [at, value] of edits) copy[at % copy.length] = value;
      return copy;
    });

  it('records: random or mutated bytes throw only ERR_RECORD_MALFORMED', () => {
    fc.assert(fc.property(fc.oneof(bytes, mutatedRecord), (input) => {
      failsOnlyWith(['ERR_RECORD_MALFORMED'], () => {
        const decoded = decodeRecord(input);
        void [decoded.topic, decoded.properties, decoded.bornHost, decoded.storeHost, decoded.msgId];
      });
      failsOnlyWith(['ERR_RECORD_MALFORMED'], () => decodeRecords(input));
    }), params);
  });

  it('bodies: random text and bytes throw only ERR_BODY_MALFORMED', () => {
    const jsonish = fc.array(fc.constantFrom('{', '}', '[', ']', ':', ',', '"', '1', 'a', '-', 'e', '\\', 'true', 'null', ' '), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(jsonish, fc.string()), bytes, (textValue, input) => {
      failsOnlyWith(['ERR_BODY_MALFORMED'], () => parseFastjson(textValue));
      failsOnlyWith(['ERR_BODY_MALFORMED'], () => decodeTopicRouteData(textValue));
      failsOnlyWith(['ERR_BODY_MALFORMED'], () => decodeHeartbeatData(textValue));
      failsOnlyWith(['ERR_BODY_MALFORMED'], () => decodeBatch(input));
    }), params);
  });

  it('typed headers: arbitrary extFields throw only ERR_HEADER_FIELD_MISSING', () => {
    const ext = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'topic', 'queueId', 'consumerGroup',
      'queueOffset', 'maxMsgNums', 'sysFlag', 'commitOffset', 'suspendTimeoutMillis', 'subVersion'), fc.string());
    fc.assert(fc.property(fc.option(ext, { nil: null }), (fields) => {
      failsOnlyWith(['ERR_HEADER_FIELD_MISSING'], () => decodeSendMessageRequestHeaderV2(fields));
      failsOnlyWith(['ERR_HEADER_FIELD_MISSING'], () => decodePullMessageRequestHeader(fields));
    }), params);
  });
});
