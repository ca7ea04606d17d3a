// Proves the SEND answer reader (src/client/send-response.ts): for any response code, remark and
// ext map (the SendResult fields with decimal, negative, empty, huge or non-ASCII values, plus
// unrelated keys), in the binary or the JSON header, decodeSendResponse reads exactly what the
// generic decoder (decodeFrame + extFields) gives, so the SendResult (or the MQResponseError)
// is the same; and a truncated frame is refused with a PetrelError, never misread.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MQResponseError } from '../../../src/client/errors.js';
import { decodeSendResponse, sendResponseOf, sendResultOf } from '../../../src/client/send-response.js';
import { PetrelError } from '../../../src/common/errors.js';
import { createRequest, createResponse, SerializeType } from '../../../src/protocol/command.js';
import { decodeFrame, encodeCommand } from '../../../src/protocol/frame.js';

const queue = { topic: 'TopicTest', brokerName: 'broker-a', queueId: 2 };

const numberText = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 40 }).map(String), fc.integer({ min: -5, max: -1 }).map(String),
  fc.constantFrom('', '007', '1e3', ' 4', '12345678901234567890'),
);
const anyText = fc.string({ maxLength: 40, unit: 'grapheme' });
const extMap = fc.record({
  msgId: fc.oneof(fc.constant('C0A8000100002A9F0000000000000042'), anyText),
  queueId: numberText,
  queueOffset: numberText,
  MSG_REGION: fc.oneof(fc.constantFrom('DefaultRegion', 'eu-1'), anyText),
  TRACE_ON: fc.constantFrom('true', 'false', 'x'),
  transactionId: anyText,
  other: anyText,
}, { requiredKeys: [] });

function frameOf(code: number, remark: string | null, ext: Record<string, string>, serializeType: SerializeType): Buffer {
  const response = { ...createResponse(createRequest(310), code, remark, ext), serializeType };
  response.opaque = -7;
  return encodeCommand(response).subarray(4);
}

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return error instanceof MQResponseError ? ['MQResponseError', error.responseCode, error.message] : error;
  }
}

describe('decodeSendResponse', () => {
  test.prop([fc.constantFrom(0, 10, 12, 11, 1, 17, 205), fc.option(anyText, { nil: null }), extMap,
    fc.constantFrom(SerializeType.ROCKETMQ, SerializeType.JSON)])(
    'reads what the generic decoder reads',
    (code, remark, ext, serializeType) => {
      const content = frameOf(code, remark, ext as Record<string, string>, serializeType);
      const fast = decodeSendResponse(content);
      const generic = sendResponseOf(decodeFrame(content));
      expect({ ...fast, frame: null }).toEqual(generic);
      expect(fast.frame).toBe(content);
      expect(outcome(() => sendResultOf(fast, queue, 'UNIQ'))).toEqual(outcome(() => sendResultOf(generic, queue, 'UNIQ')));
    },
  );

  it('refuses truncated frames with a PetrelError', () => {
    const content = frameOf(0, null, { msgId: 'AB', queueId: '1', queueOffset: '9' }, SerializeType.ROCKETMQ);
    for (let cut = 1; cut < content.length; cut++) {
      expect(() => decodeSendResponse(content.subarray(0, cut))).toThrow(PetrelError);
    }
  });
});
