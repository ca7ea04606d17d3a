// Proves the broker command headers: SEND_MESSAGE_V2's short keys a..n map to the long
// SendMessageRequestHeader names (and back) exactly as in reference §2.3, the long-key form
// decodes to the same header, PULL headers decode typed values, "offset" wire keys map to
// queueOffset/physicalOffset, optional fields that do not parse become undefined while
// required ones throw ERR_HEADER_FIELD_MISSING naming the field, and unknown keys are ignored.
import { describe, expect, it } from 'vitest';
import {
  decodeConsumerSendMsgBackRequestHeader, decodeQueryConsumerOffsetResponseHeader,
  encodeGetMaxOffsetResponseHeader, decodeUpdateConsumerOffsetRequestHeader,
} from '../../../src/protocol/headers/consumer.js';
import { decodeQueryMessageRequestHeader } from '../../../src/protocol/headers/message.js';
import { decodePullMessageRequestHeader, decodePullMessageResponseHeader } from '../../../src/protocol/headers/pull-message.js';
import {
  decodeSendMessageRequestHeader, decodeSendMessageResponseHeader, decodeSendRequestHeader,
  encodeSendMessageRequestHeader, encodeSendMessageRequestHeaderV2, encodeSendMessageResponseHeader,
  type SendMessageRequestHeader,
} from '../../../src/protocol/headers/send-message.js';
import { decodeCreateTopicRequestHeader } from '../../../src/protocol/headers/admin.js';

const V2_EXT = {
  a: 'pg', b: 'TopicTest', c: 'TBW102', d: '4', e: '1', f: '0', g: '1700000000000', h: '0',
  i: 'TAGS\u0001TagA\u0002WAIT\u0001true', j: '0', k: 'false', l: '16', m: 'false', n: 'broker-a',
};
const HEADER: SendMessageRequestHeader = {
  producerGroup: 'pg', topic: 'TopicTest', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 1,
  sysFlag: 0, bornTimestamp: 1_700_000_000_000, flag: 0, properties: 'TAGS\u0001TagA\u0002WAIT\u0001true',
  reconsumeTimes: 0, unitMode: false, maxReconsumeTimes: 16, batch: false, bname: 'broker-a',
};

describe('send headers', () => {
  it('maps short keys to long names both ways', () => {
    expect(decodeSendRequestHeader(310, V2_EXT)).toEqual(HEADER);
    expect(encodeSendMessageRequestHeaderV2(HEADER)).toEqual(V2_EXT);
    const longExt = encodeSendMessageRequestHeader(HEADER);
    expect(longExt).toMatchObject({ producerGroup: 'pg', bornTimestamp: '1700000000000', bname: 'broker-a', batch: 'false' });
    expect(decodeSendMessageRequestHeader(longExt)).toEqual(HEADER);
    expect(decodeSendRequestHeader(10, longExt)).toEqual(HEADER);
  });

  it('accepts what ali-ons sends (no m, no n) and ignores unknown keys', () => {
    const { m: _m, n: _n, ...aliOns } = V2_EXT;
    const header = decodeSendRequestHeader(310, { ...aliOns, zz: 'x' });
    expect(header.batch).toBeUndefined();
    expect(header.bname).toBeUndefined();
  });

  it('names the long field of a missing or unparsable short key', () => {
    const { g: _g, ...noBorn } = V2_EXT;
    expect(() => decodeSendRequestHeader(310, noBorn))
      .toThrow(expect.objectContaining({ code: 'ERR_HEADER_FIELD_MISSING', message: expect.stringContaining('bornTimestamp') }));
    expect(() => decodeSendRequestHeader(310, { ...V2_EXT, e: '1.5' }))
      .toThrow(expect.objectContaining({ message: expect.stringContaining('queueId') }));
    expect(() => decodeSendRequestHeader(310, { ...V2_EXT, d: '2147483648' }))
      .toThrow(expect.objectContaining({ message: expect.stringContaining('defaultTopicQueueNums') }));
    expect(decodeSendRequestHeader(310, { ...V2_EXT, j: 'x' }).reconsumeTimes).toBeUndefined();
  });

  it('round-trips the send response with MSG_REGION and TRACE_ON', () => {
    const ext = { msgId: 'C0A8000100002A9F000000000000A1B2', queueId: '1', queueOffset: '42', MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' };
    const header = decodeSendMessageResponseHeader(ext);
    expect(header).toEqual({ msgId: ext.msgId, queueId: 1, queueOffset: 42, transactionId: undefined, msgRegion: 'DefaultRegion', traceOn: true });
    expect(encodeSendMessageResponseHeader(header)).toEqual(ext);
  });
});

describe('pull and consumer headers', () => {
  it('decodes a push consumer pull request', () => {
    const header = decodePullMessageRequestHeader({
      consumerGroup: 'cg', topic: 'T', queueId: '0', queueOffset: '12', maxMsgNums: '32', sysFlag: '7',
      commitOffset: '-1', suspendTimeoutMillis: '15000', subscription: 'TagA', subVersion: '1700000000000',
    });
    expect(header).toMatchObject({ queueOffset: 12, commitOffset: -1, sysFlag: 7, subscription: 'TagA', expressionType: undefined });
    expect(() => decodePullMessageResponseHeader({ nextBeginOffset: '1', minOffset: '0', maxOffset: '2' }))
      .toThrow(expect.objectContaining({ message: expect.stringContaining('suggestWhichBrokerId') }));
  });

  it('maps the wire "offset" key to queueOffset / physicalOffset', () => {
    expect(decodeQueryConsumerOffsetResponseHeader({ offset: '77' })).toEqual({ queueOffset: 77 });
    expect(encodeGetMaxOffsetResponseHeader({ queueOffset: 5 })).toEqual({ offset: '5' });
    expect(decodeConsumerSendMsgBackRequestHeader({ offset: '4096', group: 'g', delayLevel: '0', unitMode: 'false' }))
      .toEqual({ physicalOffset: 4096, group: 'g', delayLevel: 0, originMsgId: undefined, originTopic: undefined,
        unitMode: false, maxReconsumeTimes: undefined, bname: undefined });
    expect(() => decodeUpdateConsumerOffsetRequestHeader({ consumerGroup: 'g', topic: 't', queueId: '0' }))
      .toThrow(expect.objectContaining({ code: 'ERR_HEADER_FIELD_MISSING', message: expect.stringContaining('commitOffset') }));
  });

  it('decodes the _UNIQUE_KEY_QUERY key and admin booleans', () => {
    expect(decodeQueryMessageRequestHeader({ topic: 't', key: 'k', maxNum: '32', beginTimestamp: '0', endTimestamp: '9', _UNIQUE_KEY_QUERY: 'true' }).uniqueKeyQuery).toBe(true);
    expect(decodeCreateTopicRequestHeader({ topic: 't', defaultTopic: 'TBW102', readQueueNums: '8', writeQueueNums: '8', perm: '6', topicFilterType: 'SINGLE_TAG', order: 'false' }))
      .toMatchObject({ readQueueNums: 8, order: false, topicSysFlag: undefined });
  });
});
