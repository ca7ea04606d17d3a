// Proves the consumer's record → MessageExt decoding (src/client/message-decode.ts) gives every
// field the generic record decoder gives, for IPv4 and IPv6 hosts and with or without UNIQ_KEY,
// although it reuses host strings between records and builds the offset message id only when
// read: pulled batches of records from different producers and brokers decode to their own
// hosts; properties carry MIN/MAX_OFFSET; offsetMsgId can be overwritten; JSON shows offsetMsgId
// and no internal slot. Records are encoded with the protocol encoder.
import { describe, expect, it } from 'vitest';
import { decodePulledMessages, toMessageExt } from '../../../src/client/message-decode.js';
import { encodeRecord, type RecordFields } from '../../../src/protocol/record.js';
import { decodeRecord } from '../../../src/protocol/record-decode.js';
import { SysFlag } from '../../../src/protocol/record-layout.js';

const BASE: RecordFields = {
  topic: 'TopicTest', body: Buffer.from('hello'), properties: 'TAGS\u0001TagA\u0002UNIQ_KEY\u00010A000005000012340000000000000001',
  queueId: 1, flag: 3, sysFlag: 0, bornTimestampMs: 1_700_000_000_123, bornHost: '10.0.0.5:53211',
  reconsumeTimes: 0, preparedTransactionOffset: 0, queueOffset: 7, physicalOffset: 0x1_0000_0012,
  storeTimestampMs: 1_700_000_000_456, storeHost: '10.0.0.1:10911',
};

const VARIANTS: RecordFields[] = [
  BASE,
  { ...BASE, queueOffset: 8, bornHost: '10.0.0.6:1000', properties: 'TAGS\u0001TagB' },
  { ...BASE, queueOffset: 9, storeHost: '10.0.0.2:10911', physicalOffset: 5 },
  { ...BASE, queueOffset: 10, sysFlag: SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6, bornHost: 'fe80:0:0:0:0:0:0:1:9', storeHost: '2001:db8:0:0:0:0:0:2:10911' },
  { ...BASE, queueOffset: 11 },
];

describe('decodePulledMessages', () => {
  it('gives every field the generic decoder gives, batch after batch', () => {
    for (const order of [VARIANTS, [...VARIANTS].reverse()]) {
      const body = Buffer.concat(order.map((fields) => encodeRecord(fields)));
      const messages = decodePulledMessages(body, 'broker-a', 0, 100);
      expect(messages).toHaveLength(order.length);
      order.forEach((fields, index) => {
        const expected = decodeRecord(encodeRecord(fields), 0).toMessageExt();
        const message = messages[index]!;
        expect({
          topic: message.topic, body: message.body.toString(), flag: message.flag, queueId: message.queueId,
          queueOffset: message.queueOffset, commitLogOffset: message.commitLogOffset, sysFlag: message.sysFlag,
          bornHost: message.bornHost, storeHost: message.storeHost, bornTimestamp: message.bornTimestamp,
          storeTimestamp: message.storeTimestamp, msgId: message.msgId, offsetMsgId: message.offsetMsgId,
          storeSize: message.storeSize, bodyCRC: message.bodyCRC, brokerName: message.brokerName,
        }).toEqual({
          topic: expected.topic, body: expected.body.toString(), flag: expected.flag, queueId: expected.queueId,
          queueOffset: expected.queueOffset, commitLogOffset: expected.physicalOffset, sysFlag: expected.sysFlag,
          bornHost: expected.bornHost, storeHost: expected.storeHost, bornTimestamp: expected.bornTimestampMs,
          storeTimestamp: expected.storeTimestampMs, msgId: expected.msgId, offsetMsgId: expected.offsetMsgId,
          storeSize: expected.totalSize, bodyCRC: expected.bodyCrc, brokerName: 'broker-a',
        });
        expect(message.properties).toEqual({ ...expected.properties, MIN_OFFSET: '0', MAX_OFFSET: '100' });
      });
    }
  });

  it('lets offsetMsgId be overwritten and shows it in JSON without internal slots', () => {
    const message = toMessageExt(decodeRecord(encodeRecord(BASE), 0), 'broker-a');
    const json = JSON.parse(JSON.stringify(message)) as Record<string, unknown>;
    expect(json['offsetMsgId']).toBe('0A00000100002A9F0000000100000012');
    expect(json['bornHost']).toBe('10.0.0.5:53211');
    expect(Object.keys(json)).not.toContain('offsetMsgIdText');
    message.offsetMsgId = 'X';
    expect(message.offsetMsgId).toBe('X');
  });
});
