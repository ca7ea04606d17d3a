/**
 * Protocol codec micro-benchmarks (tinybench). Each task runs a batch of `OPS_PER_TASK`
 * operations per call, so timer resolution does not dominate sub-microsecond work; ops/s =
 * OPS_PER_TASK / mean period. Small inputs and a short time budget by default (CI keeps the
 * file from rotting); BENCH_LARGE=1 runs longer with more operations per call.
 *
 *   node dist/bench/micro/codec.bench.js            (or: make bench)
 *   BENCH_LARGE=1 node dist/bench/micro/codec.bench.js
 *
 * Bars (docs/benchmarks.md): binary header decode >= 1M/s, record decode >= 2M/s.
 */
import type { BinaryRequest } from '../../src/protocol/binary-request.js';
import { Bench } from 'tinybench';
import { CpuTimedTasks } from './cpu-timing.js';
import { createRequest, type RemotingCommand, SerializeType } from '../../src/protocol/command.js';
import { decodeFrame, encodeCommand } from '../../src/protocol/frame.js';
import { decodePullMessageRequestHeader, encodePullMessageRequestHeader } from '../../src/protocol/headers/pull-message.js';
import {
  decodeSendMessageRequestHeaderV2Bytes, decodeSendRequestHeader, encodeSendMessageRequestHeaderV2,
  type SendMessageRequestHeader,
} from '../../src/protocol/headers/send-message.js';
import { encodeHost } from '../../src/protocol/host-address.js';
import { decodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord, type RecordFields, recordBytesFor } from '../../src/protocol/record.js';
import { decodeRecord } from '../../src/protocol/record-decode.js';

const LARGE = process.env['BENCH_LARGE'] === '1';
const OPS_PER_TASK = LARGE ? 10_000 : 1_000;
const TIME_MS = LARGE ? 2_000 : 300;

let hash = 0;

/** CPU time per task (user + system µs), so a busy shared machine shows its cost, not its wait. */
const cpuTasks = new CpuTimedTasks(OPS_PER_TASK);
const timed = cpuTasks.timed.bind(cpuTasks);
function mix(value: number): void {
  hash = (Math.imul(hash, 31) + value) | 0;
}

const PROPERTIES = 'TAGS\u0001TagA\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u0001C0A80001000018B4AAC2000000000001';
const SEND_HEADER: SendMessageRequestHeader = {
  producerGroup: 'please_rename_unique_group_name', topic: 'TopicTest', defaultTopic: 'TBW102',
  defaultTopicQueueNums: 4, queueId: 3, sysFlag: 0, bornTimestamp: 1_700_000_000_000, flag: 0,
  properties: `${PROPERTIES}\u0002WAIT\u0001true`, reconsumeTimes: 0, unitMode: false, batch: false, bname: 'broker-a',
};

function sendCommand(serializeType: SerializeType, body: Buffer): RemotingCommand {
  return { ...createRequest(310, encodeSendMessageRequestHeaderV2(SEND_HEADER), body), opaque: 7, serializeType };
}

function recordFields(bodyBytes: number): RecordFields {
  return {
    topic: 'TopicTest', body: Buffer.alloc(bodyBytes, 0x61), properties: PROPERTIES, queueId: 3, flag: 0,
    sysFlag: 0, bornTimestampMs: 1_700_000_000_000, bornHost: encodeHost('192.168.0.1:53211'),
    storeHost: encodeHost('10.0.0.1:10911'), queueOffset: 42, physicalOffset: 0xa1b2,
    storeTimestampMs: 1_700_000_000_007,
  };
}

const LAZY_SEND_CODES: ReadonlySet<number> = new Set([310, 320]);

function addHeaderTasks(bench: Bench, label: string, serializeType: SerializeType): void {
  const frameContent = encodeCommand(sendCommand(serializeType, Buffer.alloc(128))).subarray(4);
  bench.add(...timed(`SEND_MESSAGE_V2 ${label} header: decode frame`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(decodeFrame(frameContent).opaque);
  }));
  bench.add(...timed(`SEND_MESSAGE_V2 ${label} header: decode frame + typed header`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) {
      const command = decodeFrame(frameContent);
      mix(decodeSendRequestHeader(command.code, command.extFields).queueId);
    }
  }));
  if (serializeType === SerializeType.ROCKETMQ) {
    // The broker's path (protocol/binary-request.ts): the ext map is checked, not built, and the
    // typed header is read from the bytes.
    bench.add(...timed(`SEND_MESSAGE_V2 ${label} header: lazy decode + typed header from bytes`, () => {
      for (let i = 0; i < OPS_PER_TASK; i++) {
        const command = decodeFrame(frameContent, LAZY_SEND_CODES) as BinaryRequest;
        const { bytes, start, end } = command.extBytes;
        mix(decodeSendMessageRequestHeaderV2Bytes(bytes, start, end).queueId);
      }
    }));
  }
  const command = sendCommand(serializeType, Buffer.alloc(128));
  bench.add(...timed(`SEND_MESSAGE_V2 ${label} header: typed header + encode frame`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) {
      mix(encodeCommand({ ...command, extFields: encodeSendMessageRequestHeaderV2(SEND_HEADER) }).length);
    }
  }));
}

function addRecordTasks(bench: Bench, bodyBytes: number): void {
  const fields = recordFields(bodyBytes);
  const target = Buffer.allocUnsafe(recordBytesFor(fields) * 4);
  bench.add(...timed(`record ${bodyBytes} B: encode into target (CRC included)`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(encodeRecord(fields, target, 0));
  }));
  const encoded = encodeRecord(fields);
  bench.add(...timed(`record ${bodyBytes} B: decode (validate + numeric fields)`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(decodeRecord(encoded, 0).queueOffset);
  }));
  bench.add(...timed(`record ${bodyBytes} B: decode + body + topic + properties map`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) {
      const record = decodeRecord(encoded, 0);
      mix(record.body.length + record.topic.length + (record.tags?.length ?? 0));
    }
  }));
}

async function main(): Promise<void> {
  const bench = new Bench({ name: 'protocol codec', time: TIME_MS, warmupTime: LARGE ? 500 : 100 });
  addHeaderTasks(bench, 'JSON', SerializeType.JSON);
  addHeaderTasks(bench, 'binary', SerializeType.ROCKETMQ);
  const pullExt = encodePullMessageRequestHeader({
    consumerGroup: 'cg', topic: 'TopicTest', queueId: 1, queueOffset: 12345, maxMsgNums: 32, sysFlag: 6,
    commitOffset: 12000, suspendTimeoutMillis: 15000, subscription: 'TagA || TagB', subVersion: 1_700_000_000_000,
  });
  bench.add(...timed('PULL_MESSAGE typed header decode', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(decodePullMessageRequestHeader(pullExt).queueOffset);
  }));
  bench.add(...timed('properties string decode (3 entries)', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(decodeProperties(PROPERTIES)['TAGS']?.length ?? 0);
  }));
  addRecordTasks(bench, 128);
  addRecordTasks(bench, 1024);
  await bench.run();
  const rows = cpuTasks.rows(bench);
  console.table(rows);
  console.log(`ops per task call: ${OPS_PER_TASK}; result hash: ${hash}`);
}

await main();
