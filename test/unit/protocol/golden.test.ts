// Golden bytes (STYLE §10): each fixture under test/fixtures/protocol was derived by
// make-fixtures.py from the reference layouts with Python struct/zlib, not by our encoders.
// For every fixture: encode(x) equals the bytes exactly and decode(bytes) equals x. Framing
// torture: each frame fixture is fed to FrameDecoder one byte at a time, split at every cut
// point, and three copies concatenated in one chunk; every way yields identical commands.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type RemotingCommand, SerializeType } from '../../../src/protocol/command.js';
import { decodeFrame, encodeCommand, FrameDecoder } from '../../../src/protocol/frame.js';
import { encodePullMessageResponseHeader } from '../../../src/protocol/headers/pull-message.js';
import {
  decodeSendRequestHeader, encodeSendMessageRequestHeaderV2, encodeSendMessageResponseHeader,
} from '../../../src/protocol/headers/send-message.js';
import { encodeRecord, type RecordFields } from '../../../src/protocol/record.js';
import { decodeRecord } from '../../../src/protocol/record-decode.js';

function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`../../fixtures/protocol/${name}`, import.meta.url), 'utf8');
  return Buffer.from(text.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');
}

const UNIQ = 'C0A80001000018B4AAC2000000000001';
const SEND_HEADER = {
  producerGroup: 'pg', topic: 'TopicTest', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 1, sysFlag: 0,
  bornTimestamp: 1_700_000_000_000, flag: 0, properties: `TAGS\u0001TagA\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001${UNIQ}`,
  reconsumeTimes: 0, unitMode: false, batch: false, bname: 'broker-a',
};
const BODY = Buffer.from('Hello RocketMQ');

function command(fields: Partial<RemotingCommand>): RemotingCommand {
  return {
    code: 0, language: 'JAVA', version: 409, opaque: 0, flag: 0, remark: null, extFields: null, body: null,
    serializeType: SerializeType.JSON, ...fields,
  };
}

const RECORD_V4: RecordFields = {
  topic: 'TopicTest', body: BODY, properties: `TAGS\u0001TagA\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u0001${UNIQ}`,
  queueId: 1, flag: 0, sysFlag: 0, queueOffset: 42, physicalOffset: 0xa1b2, bornTimestampMs: 1_700_000_000_000,
  bornHost: '192.168.0.1:53211', storeTimestampMs: 1_700_000_000_007, storeHost: '10.0.0.1:10911',
  reconsumeTimes: 0, preparedTransactionOffset: 0,
};
const RECORD_V6: RecordFields = { ...RECORD_V4, bornHost: '[fe80::1]:53211', storeHost: '[2001:db8::7]:10911' };

const sendRequest = (serializeType: SerializeType): RemotingCommand => command({
  code: 310, opaque: 7, extFields: encodeSendMessageRequestHeaderV2(SEND_HEADER), body: BODY, serializeType,
});
const sendResponse = (serializeType: SerializeType): RemotingCommand => command({
  flag: 1, opaque: 7, serializeType, extFields: encodeSendMessageResponseHeader({
    msgId: '0A00000100002A9F000000000000A1B2', queueId: 1, queueOffset: 42, msgRegion: 'DefaultRegion', traceOn: true,
  }),
});
const pullResponse = (serializeType: SerializeType): RemotingCommand => command({
  flag: 1, opaque: 9, remark: 'FOUND', serializeType, body: encodeRecord(RECORD_V4),
  extFields: encodePullMessageResponseHeader({ suggestWhichBrokerId: 0, nextBeginOffset: 43, minOffset: 0, maxOffset: 43 }),
});

const FRAMES: Array<[string, RemotingCommand]> = [
  ['send-message-v2.json.request.hex', sendRequest(SerializeType.JSON)],
  ['send-message-v2.binary.request.hex', sendRequest(SerializeType.ROCKETMQ)],
  ['send-message-v2.json.response.hex', sendResponse(SerializeType.JSON)],
  ['send-message-v2.binary.response.hex', sendResponse(SerializeType.ROCKETMQ)],
  ['pull-message.json.response.hex', pullResponse(SerializeType.JSON)],
  ['pull-message.binary.response.hex', pullResponse(SerializeType.ROCKETMQ)],
];

function collect(chunks: Buffer[]): RemotingCommand[] {
  const commands: RemotingCommand[] = [];
  const decoder = new FrameDecoder((content) => commands.push(decodeFrame(content)));
  for (const chunk of chunks) decoder.push(chunk);
  expect(decoder.bufferedBytes).toBe(0);
  return commands;
}

describe.each(FRAMES)('golden frame %s', (name, expected) => {
  const bytes = fixture(name);

  it('encode(x) equals the fixture bytes', () => {
    expect(encodeCommand(expected).toString('hex')).toBe(bytes.toString('hex'));
  });

  it('decode(bytes) equals x', () => {
    expect(decodeFrame(bytes.subarray(4))).toEqual(expected);
  });

  it('survives byte-at-a-time, every cut point, and three frames in one chunk', () => {
    const bytewise = collect([...bytes].map((byte) => Buffer.from([byte])));
    expect(bytewise).toEqual([expected]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([expected]);
    }
    expect(collect([Buffer.concat([bytes, bytes, bytes])])).toEqual([expected, expected, expected]);
  });
});

describe('golden send header', () => {
  it('the request fixture decodes to the typed SEND_MESSAGE_V2 header', () => {
    const decoded = decodeFrame(fixture('send-message-v2.json.request.hex').subarray(4));
    expect(decodeSendRequestHeader(decoded.code, decoded.extFields)).toEqual({ ...SEND_HEADER, maxReconsumeTimes: undefined });
  });
});

describe.each([['record.ipv4.hex', RECORD_V4], ['record.ipv6.hex', RECORD_V6]] as const)('golden %s', (name, fields) => {
  const bytes = fixture(name);
  it('encode(x) equals the fixture bytes', () => {
    expect(encodeRecord(fields).toString('hex')).toBe(bytes.toString('hex'));
  });
  it('decode(bytes) equals x', () => {
    const record = decodeRecord(bytes).toMessageExt();
    const v6 = name.includes('ipv6');
    expect(record).toMatchObject({
      totalSize: bytes.length, queueId: 1, flag: 0, queueOffset: 42, physicalOffset: 0xa1b2, sysFlag: v6 ? 0x30 : 0,
      bornTimestampMs: 1_700_000_000_000, storeTimestampMs: 1_700_000_000_007, reconsumeTimes: 0,
      preparedTransactionOffset: 0, topic: 'TopicTest', msgId: UNIQ,
      bornHost: v6 ? 'fe80:0:0:0:0:0:0:1:53211' : '192.168.0.1:53211',
      storeHost: v6 ? '2001:db8:0:0:0:0:0:7:10911' : '10.0.0.1:10911',
      properties: { TAGS: 'TagA', KEYS: 'order-1', UNIQ_KEY: UNIQ },
    });
    expect(record.body.equals(BODY)).toBe(true);
  });
});
