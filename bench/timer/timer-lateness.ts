// Timer-message lateness against a real broker process: starts dist/src/cli/mqbroker.js (no
// NameServer, tmp store, loopback), sends N messages with TIMER_DELIVER_MS 2.5 s ahead (in
// groups of 10 sharing one delivery time, groups 100 ms apart), long-polls the topic, and prints
// one JSON line with the lateness of each message measured two ways: broker store time of the
// delivered copy minus TIMER_DELIVER_MS, and the puller's arrival time minus TIMER_DELIVER_MS
// (p50 / p99 / max / min, ms). Usage: node dist/bench/timer/timer-lateness.js [count=100]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequest } from '../../src/protocol/command.js';
import { encodeProperties } from '../../src/protocol/properties.js';
import { decodeRecords } from '../../src/protocol/record-decode.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const TOPIC = 'TimerLateness';
const AHEAD_MS = 2500;
const GROUP_SIZE = 10;
const GROUP_SPACING_MS = 100;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '100');
  const dir = mkdtempSync(join(tmpdir(), 'petrel-timer-bench-'));
  const port = await freePort();
  const broker = await startBroker(dir, port);
  const client = new RemotingClient();
  const address = `127.0.0.1:${port}`;
  try {
    await invokeOk(client, address, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: TOPIC, defaultTopic: 'TBW102', readQueueNums: '1', writeQueueNums: '1', perm: '6',
      topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false',
    }));
    const baseMs = Date.now() + AHEAD_MS;
    for (let i = 0; i < count; i++) {
      const deliverMs = baseMs + Math.floor(i / GROUP_SIZE) * GROUP_SPACING_MS;
      await invokeOk(client, address, createRequest(RequestCode.SEND_MESSAGE_V2, {
        a: 'pg', b: TOPIC, c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()), h: '0',
        i: encodeProperties({ TIMER_DELIVER_MS: String(deliverMs), KEYS: `m${i}` }),
      }, Buffer.from(`m${i}`)));
    }
    const { storeLateMs, arrivalLateMs } = await collect(client, address, count);
    console.log(JSON.stringify({
      bench: 'timer-lateness', count, aheadMs: AHEAD_MS,
      storeLatenessMs: summary(storeLateMs), arrivalLatenessMs: summary(arrivalLateMs),
    }));
  } finally {
    client.close();
    broker.kill('SIGTERM');
    await new Promise((resolveExit) => broker.once('exit', resolveExit));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function collect(client: RemotingClient, address: string, count: number) {
  const storeLateMs: number[] = [];
  const arrivalLateMs: number[] = [];
  let queueOffset = 0;
  while (storeLateMs.length < count) {
    const reply = await client.invoke(address, createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: 'TimerBench', topic: TOPIC, queueId: '0', queueOffset: String(queueOffset), maxMsgNums: '32',
      sysFlag: '6', commitOffset: '0', suspendTimeoutMillis: '1000', subscription: '*', subVersion: '0',
    }), 5000);
    const arrivedMs = Date.now();
    if (reply.code === ResponseCode.SUCCESS && reply.body !== null) {
      for (const record of decodeRecords(reply.body)) {
        const deliverMs = Number(record.properties['TIMER_DELIVER_MS']);
        storeLateMs.push(record.storeTimestampMs - deliverMs);
        arrivalLateMs.push(arrivedMs - deliverMs);
      }
    }
    queueOffset = Number(reply.extFields?.['nextBeginOffset'] ?? queueOffset);
  }
  return { storeLateMs, arrivalLateMs };
}

function summary(valuesMs: number[]) {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? Number.NaN;
  return { min: sorted[0] ?? Number.NaN, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

async function invokeOk(client: RemotingClient, address: string, request: ReturnType<typeof createRequest>): Promise<void> {
  const reply = await client.invoke(address, request, 5000);
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`request ${request.code}: ${reply.code} ${reply.remark}`);
}

function startBroker(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(REPO, 'dist', 'src', 'cli', 'mqbroker.js'),
    `--listenPort=${port}`, '--brokerIP1=127.0.0.1', `--storePathRootDir=${join(dir, 'store')}`, `--logDir=${join(dir, 'logs')}`],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NAMESRV_ADDR: '' } });
  let output = '';
  return new Promise((resolveStart, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('boot success')) resolveStart(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`mqbroker exited ${code}: ${output}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const bound = server.address();
      server.close(() => resolvePort(typeof bound === 'object' && bound !== null ? bound.port : 0));
    });
  });
}

await main();
