/**
 * Client send-path micro-benchmarks (tinybench): the client-side cost per send with no network.
 * The Producer runs unchanged over a fake connection (`connectionFactory`) that discards the
 * bytes it is given (oneway) or answers each SEND with a pre-encoded response (awaited sends),
 * so what is measured is: Message construction, validation, route lookup, UNIQ_KEY, properties
 * string, header, frame encoding, RemotingClient bookkeeping (pending table, timeout wheel,
 * coalesced write) and, for awaited sends, response decoding. Each task sends OPS_PER_TASK
 * messages concurrently; µs/msg = mean task time / OPS_PER_TASK. One consume-side task decodes
 * PULL bodies of 32 stored 128 B records into MessageExt objects.
 *
 *   node dist/bench/micro/client.bench.js            (or: make bench)
 *   BENCH_LARGE=1 node dist/bench/micro/client.bench.js
 *
 * Bar (docs/benchmarks.md): <= 2 µs per 128 B message.
 */
import { Bench } from 'tinybench';
import { Message, Producer } from '../../src/client/index.js';
import { decodePulledMessages } from '../../src/client/message-decode.js';
import { prepareMessage } from '../../src/client/send-encode.js';
import { encodeSendFrame, SendRequestCommand, SendTemplate } from '../../src/client/send-frame.js';
import { FastUniqKeyGenerator } from '../../src/client/uniq-key.js';
import { createResponse, type RemotingCommand, SerializeType, createRequest } from '../../src/protocol/command.js';
import { encodeTopicRouteData } from '../../src/protocol/bodies/route.js';
import { decodeFrame, encodeCommand } from '../../src/protocol/frame.js';
import { encodeRecord } from '../../src/protocol/record.js';
import type { Connection, ConnectionFactory } from '../../src/remoting/connection.js';

const LARGE = process.env['BENCH_LARGE'] === '1';
const OPS_PER_TASK = LARGE ? 10_000 : 1_000;
const TIME_MS = LARGE ? 3_000 : 500;
const BODY = Buffer.alloc(128, 0x61);
const BROKER = '127.0.0.1:10911';

let hash = 0;
function mix(value: number): void {
  hash = (Math.imul(hash, 31) + value) | 0;
}

/** A binary-header SEND response whose opaque sits at a fixed position (13) in the frame. */
const SEND_RESPONSE = encodeCommand({
  ...createResponse(createRequest(310), 0, null, {
    msgId: '7F00000100002A9F0000000000000000', queueId: '0', queueOffset: '1', MSG_REGION: 'DefaultRegion', TRACE_ON: 'true',
  }), serializeType: SerializeType.ROCKETMQ,
});
const OPAQUE_POSITION = 13;

/** A PULL response body: 32 records of 128 B as the broker stores them (TAGS, WAIT, UNIQ_KEY). */
const PULL_BATCH = 32;
const PULL_BODY = Buffer.concat(Array.from({ length: PULL_BATCH }, (_, index) => encodeRecord({
  topic: 'TopicTest', body: BODY, properties: `WAIT\u0001true\u0002TAGS\u0001TagA\u0002UNIQ_KEY\u00017F00000100002A9F0000${String(index).padStart(12, '0')}`,
  queueId: 0, flag: 0, sysFlag: 0, bornTimestampMs: 1_764_000_000_000 + index, bornHost: '127.0.0.1:50000',
  reconsumeTimes: 0, preparedTransactionOffset: 0, queueOffset: index, physicalOffset: index * 250,
  storeTimestampMs: 1_764_000_000_001 + index, storeHost: '127.0.0.1:10911',
})));

function routeBody(): Buffer {
  return encodeTopicRouteData({
    brokerDatas: [{ cluster: 'c', brokerName: 'broker-a', brokerAddrs: new Map([[0, BROKER]]) }],
    queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
    filterServerTable: {},
  });
}

/** Discards sends; answers them (when `answer`) with one read per tick, like a socket. */
class FakeConnection implements Connection {
  readonly transport = 'tcp' as const;
  readonly remoteAddress = BROKER;
  readonly localAddress = '127.0.0.1:50000';
  readonly closed = false;
  readonly writeQueueBytes = 0;
  bytesWritten = 0;
  private listener: ((chunk: Buffer) => void) | null = null;
  private replies: Buffer[] = [];
  private scheduled = false;

  constructor(private readonly answer: boolean) {}

  /** Frames arrive back to back (the SDK batches the SENDs of a tick into one buffer). */
  writeFrames(frames: readonly Buffer[]): void {
    const data = frames.length === 1 ? frames[0] as Buffer : Buffer.concat(frames);
    this.bytesWritten += data.length;
    for (let position = 0; position < data.length;) {
      const frameEnd = position + 4 + data.readInt32BE(position);
      this.answerFrame(data.subarray(position, frameEnd));
      position = frameEnd;
    }
  }

  private answerFrame(head: Buffer): void {
    if (head.readUInt32BE(4) >>> 24 === SerializeType.ROCKETMQ && head.readInt16BE(8) === 310) {
      // Binary header: opaque at 13, flag at 17 (oneway bit 2).
      if (!this.answer || (head.readInt32BE(17) & 2) !== 0) return;
      this.reply(this.sendReply(head));
      return;
    }
    this.reply(this.controlReply(decodeFrame(head.subarray(4))));
  }

  private sendReply(head: Buffer): Buffer {
    const opaque = head.readInt32BE(OPAQUE_POSITION);
    const reply = Buffer.from(SEND_RESPONSE);
    reply.writeInt32BE(opaque, OPAQUE_POSITION);
    return reply;
  }

  private controlReply(request: RemotingCommand): Buffer {
    const body = request.code === 105 ? routeBody() : null;
    return encodeCommand(createResponse(request, 0, null, null, body));
  }

  private reply(frame: Buffer): void {
    this.replies.push(frame);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const chunk = Buffer.concat(this.replies);
      this.replies = [];
      this.listener?.(chunk);
    });
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.listener = listener;
  }
  onClose(): void {}
  close(): void {}
}

async function producerOver(answer: boolean): Promise<{ producer: Producer; connection: FakeConnection }> {
  const connection = new FakeConnection(answer);
  const factory: ConnectionFactory = async () => connection;
  const producer = new Producer({
    groupName: 'bench', namesrvAddr: '127.0.0.1:9876', connectionFactory: factory, logLevel: 'silent',
    pollNameServerIntervalMs: 3_600_000, heartbeatBrokerIntervalMs: 3_600_000,
  });
  await producer.start();
  // Warm-up: fetches the route (answered by the fake) and opens the connection.
  await producer.sendOneway(new Message('TopicTest', 'TagA', BODY));
  return { producer, connection };
}

async function main(): Promise<void> {
  const oneway = await producerOver(false);
  const awaited = await producerOver(true);
  const keys = new FastUniqKeyGenerator();
  const template = new SendTemplate({
    producerGroup: 'bench', topic: 'TopicTest', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0,
    sysFlag: 0, flag: 0, reconsumeTimes: 0, unitMode: false, batch: false, brokerName: 'broker-a',
  });
  const bench = new Bench({ name: 'client send path (128 B body, no network)', time: TIME_MS });
  const tasks = new Map<string, () => unknown>();
  const add = (name: string, fn: () => unknown): void => {
    tasks.set(name, fn);
    bench.add(name, fn);
  };
  add('prepare only (UNIQ_KEY + properties)', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(prepareMessage(new Message('TopicTest', 'TagA', BODY), keys, 4096, 5).uniqKey.length);
  });
  add('prepare + header + frame encode', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) {
      const prepared = prepareMessage(new Message('TopicTest', 'TagA', BODY), keys, 4096, 5);
      const command = new SendRequestCommand(template, Date.now(), prepared.properties, prepared.body);
      command.opaque = i;
      mix(encodeSendFrame(command)[0]!.length);
    }
  });
  add('Producer.sendOneway (encode + write path)', async () => {
    const sends: Array<Promise<void>> = new Array(OPS_PER_TASK);
    for (let i = 0; i < OPS_PER_TASK; i++) sends[i] = oneway.producer.sendOneway(new Message('TopicTest', 'TagA', BODY));
    await Promise.all(sends);
  });
  add('pull decode (32 records -> MessageExt)', () => {
    for (let i = 0; i < OPS_PER_TASK; i += PULL_BATCH) {
      const messages = decodePulledMessages(PULL_BODY, 'broker-a', 0, 1000);
      mix(messages.length + (messages[0]?.body.length ?? 0));
    }
  });
  add('Producer.send awaited (+ response decode)', async () => {
    const sends = new Array<Promise<unknown>>(OPS_PER_TASK);
    for (let i = 0; i < OPS_PER_TASK; i++) sends[i] = awaited.producer.send(new Message('TopicTest', 'TagA', BODY));
    const results = await Promise.all(sends);
    mix(results.length);
  });
  await bench.run();
  // The machine is shared: besides tinybench's wall-clock mean, measure this process's CPU
  // time per message (user + system), which other processes' load inflates far less.
  const cpuUsPerMessage = new Map<string, number>();
  for (const task of bench.tasks) {
    if (process.env['BENCH_ONLY'] !== undefined && !task.name.includes(process.env['BENCH_ONLY'])) continue;
    const fn = tasks.get(task.name) as () => unknown;
    const rounds = LARGE ? 100 : 40;
    const start = process.cpuUsage();
    for (let round = 0; round < rounds; round++) await fn();
    const used = process.cpuUsage(start);
    cpuUsPerMessage.set(task.name, (used.user + used.system) / (rounds * OPS_PER_TASK));
  }
  console.table(bench.tasks.map((task) => {
    const meanMs = task.result.state === 'completed' ? task.result.latency.mean : Number.NaN;
    return {
      task: task.name,
      'wall µs/msg': ((meanMs * 1000) / OPS_PER_TASK).toFixed(3),
      'cpu µs/msg': (cpuUsPerMessage.get(task.name) ?? Number.NaN).toFixed(3),
      'msgs/s (wall)': Math.round(OPS_PER_TASK / (meanMs / 1000)).toLocaleString('en-US'),
      samples: task.result.state === 'completed' ? task.result.latency.samplesCount : 0,
    };
  }));
  mix(oneway.connection.bytesWritten);
  mix(awaited.connection.bytesWritten);
  console.log(`ops per task: ${OPS_PER_TASK}; hash: ${hash}`);
  await oneway.producer.shutdown();
  await awaited.producer.shutdown();
}

await main();
