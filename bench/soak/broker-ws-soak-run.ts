import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RemotingCommand, createRequest } from '../../src/protocol/command.js';
import { decodeRecords, recordCrcMatches } from '../../src/protocol/record-decode.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { SoakWsClient } from './ws-soak-client.js';
import { checkSoakBody, makeSoakBody } from './ws-soak-protocol.js';

/**
 * The WebSocket soak pointed at the real broker (issue 4, "WebSocket integrity"): a bin/mqbroker
 * process with two I/O threads sharing the uWS port. Writers SEND_MESSAGE_V2 self-checking bodies
 * (ws-soak-protocol's CRC'd bodies) to their own queue; `readerPasses` independent slow readers
 * per queue PULL the whole queue back over WebSocket and check every record: record layout, the
 * stored BODYCRC, the body's own CRC, and gap-free queue offsets. A slow trigger reader pulls
 * single records sized in sweeps so pull replies of exactly 65,479 and 130,956 bytes cross the
 * wire (the uWS payload-loss sizes) while it pauses its reads. Any mismatch is an error.
 */
export interface BrokerWsSoakOptions {
  sendBytes: number;
  readerPasses: number;
  connections: number;
  triggerSweeps: number;
  logDir: string | null;
  onProgress?: (progress: BrokerWsSoakProgress) => void;
}

export interface BrokerWsSoakProgress {
  sendBytes: number;
  pullBytes: number;
  errorCount: number;
  seconds: number;
}

export interface BrokerWsSoakResult extends BrokerWsSoakProgress {
  sendCount: number;
  recordsVerified: number;
  busyRetries: number;
  triggerMessages: { 65479: number; 130956: number };
  slowReaderPauses: number;
  errors: string[];
}

const SOAK_TOPIC = 'BrokerSoak';
const TRIGGER_TOPIC = 'BrokerSoakTrigger';
const SEND_BODY_SIZES = [512, 4096, 16_384, 65_536, 262_144];
const TRIGGER_FRAME_SIZES = [65_479, 130_956] as const;
/** Records per trigger sweep: consecutive record sizes, so reply frames cover a 320-byte range. */
const SWEEP_RECORDS = 320;
/** Estimated pull-reply header (length words + JSON header) the sweep centres on. */
const REPLY_OVERHEAD_ESTIMATE = 200;
const RECORD_OVERHEAD = 91 + TRIGGER_TOPIC.length + 'CLUSTER\u0001DefaultCluster'.length;
const SEND_WINDOW = 16;
const PULL_BATCH = 32;
const SLOW_PAUSE_EVERY_BYTES = 4 * 1024 * 1024;
const SLOW_PAUSE_MS = 10;
const ERRORS_KEPT = 20;

interface Tally {
  sendBytes: number;
  sendCount: number;
  pullBytes: number;
  recordsVerified: number;
  busyRetries: number;
  pauses: number;
  errorCount: number;
  errors: string[];
  triggerMessages: { 65479: number; 130956: number };
}

export async function runBrokerWsSoak(options: BrokerWsSoakOptions): Promise<BrokerWsSoakResult> {
  const broker = await startBroker(options.logDir);
  const tally: Tally = {
    sendBytes: 0, sendCount: 0, pullBytes: 0, recordsVerified: 0, busyRetries: 0, pauses: 0, errorCount: 0,
    errors: [], triggerMessages: { 65479: 0, 130956: 0 },
  };
  const startedMs = Date.now();
  const progress = (): BrokerWsSoakProgress => ({
    sendBytes: tally.sendBytes, pullBytes: tally.pullBytes, errorCount: tally.errorCount,
    seconds: (Date.now() - startedMs) / 1000,
  });
  const timer = setInterval(() => options.onProgress?.(progress()), 2000);
  const clients: SoakWsClient[] = [];
  const connect = async (): Promise<SoakWsClient> => {
    const client = await SoakWsClient.connect(`127.0.0.1:${broker.wsPort}`);
    clients.push(client);
    return client;
  };
  try {
    const admin = await connect();
    await createTopic(admin, SOAK_TOPIC, options.connections);
    await createTopic(admin, TRIGGER_TOPIC, 1);
    const triggerCount = await fillTriggerTopic(admin, options.triggerSweeps, tally);
    const perWriterBytes = Math.ceil(options.sendBytes / options.connections);
    const written = Array.from({ length: options.connections }, () => ({ count: 0, done: false }));
    const jobs: Promise<void>[] = [];
    for (let queueId = 0; queueId < options.connections; queueId++) {
      const state = written[queueId] as { count: number; done: boolean };
      jobs.push(connect().then((client) => writeQueue(client, queueId, perWriterBytes, state, tally)));
      for (let pass = 0; pass < options.readerPasses; pass++) {
        jobs.push(connect().then((client) => readQueue(client, SOAK_TOPIC, queueId, state, tally, true)));
      }
    }
    jobs.push(connect().then((client) => readTrigger(client, triggerCount, tally)));
    await Promise.all(jobs);
  } finally {
    clearInterval(timer);
    for (const client of clients) client.close();
    await broker.stop();
  }
  return {
    ...progress(), sendCount: tally.sendCount, recordsVerified: tally.recordsVerified, busyRetries: tally.busyRetries,
    triggerMessages: tally.triggerMessages, slowReaderPauses: tally.pauses, errors: tally.errors,
  };
}

function sendRequest(topic: string, queueId: number, body: Buffer): RemotingCommand {
  return createRequest(310, { a: 'soak', b: topic, c: 'TBW102', d: '4', e: String(queueId), f: '0',
    g: String(Date.now()), h: '0' }, body);
}

function pullRequest(topic: string, queueId: number, queueOffset: number, maxMsgNums: number): RemotingCommand {
  return createRequest(11, { consumerGroup: 'soak', topic, queueId: String(queueId), queueOffset: String(queueOffset),
    maxMsgNums: String(maxMsgNums), sysFlag: '6', commitOffset: '0', suspendTimeoutMillis: '1000', subscription: '*',
    subVersion: '0' });
}

async function createTopic(client: SoakWsClient, topic: string, queueNums: number): Promise<void> {
  const reply = await client.invoke(createRequest(17, { topic, defaultTopic: 'TBW102', readQueueNums: String(queueNums),
    writeQueueNums: String(queueNums), perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false' }));
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`create ${topic}: ${reply.code} ${reply.remark ?? ''}`);
}

/** Sends one record, retrying SYSTEM_BUSY (back-pressure is not an error); false on failure. */
async function sendWithRetry(client: SoakWsClient, request: () => RemotingCommand, tally: Tally, what: string): Promise<boolean> {
  for (;;) {
    const reply = await client.invoke(request());
    if (reply.code === ResponseCode.SUCCESS) return true;
    if (reply.code !== ResponseCode.SYSTEM_BUSY) {
      recordError(tally, `${what}: code ${reply.code} ${reply.remark ?? ''}`);
      return false;
    }
    tally.busyRetries++;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 5));
  }
}

/** Trigger records: per sweep, consecutive record sizes around each trigger frame size. */
async function fillTriggerTopic(client: SoakWsClient, sweeps: number, tally: Tally): Promise<number> {
  let count = 0;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (const frameBytes of TRIGGER_FRAME_SIZES) {
      const firstBody = frameBytes - REPLY_OVERHEAD_ESTIMATE - RECORD_OVERHEAD - SWEEP_RECORDS / 2;
      for (let i = 0; i < SWEEP_RECORDS; i++) {
        const body = makeSoakBody(firstBody + i, count);
        if (await sendWithRetry(client, () => sendRequest(TRIGGER_TOPIC, 0, body), tally, `trigger ${count}`)) count++;
      }
    }
  }
  return count;
}

async function writeQueue(
  client: SoakWsClient, queueId: number, bytes: number, state: { count: number; done: boolean }, tally: Tally,
): Promise<void> {
  let reserved = 0;
  let seq = 0;
  const lane = async (): Promise<void> => {
    while (reserved < bytes && client.closeReason === null) {
      const sizeBytes = SEND_BODY_SIZES[seq % SEND_BODY_SIZES.length] as number;
      const body = makeSoakBody(sizeBytes, queueId * 1_000_003 + seq++);
      reserved += sizeBytes;
      if (await sendWithRetry(client, () => sendRequest(SOAK_TOPIC, queueId, body), tally, `send q${queueId}`)) {
        state.count++;
        tally.sendCount++;
        tally.sendBytes += sizeBytes;
      }
    }
  };
  await Promise.all(Array.from({ length: SEND_WINDOW }, lane));
  state.done = true;
}

/** Pulls the queue from 0 to the writer's final count, verifying every record. */
async function readQueue(
  client: SoakWsClient, topic: string, queueId: number, state: { count: number; done: boolean }, tally: Tally,
  slow: boolean,
): Promise<void> {
  slowReader(client, slow, tally);
  let queueOffset = 0;
  while (client.closeReason === null && !(state.done && queueOffset >= state.count)) {
    const reply = await client.invoke(pullRequest(topic, queueId, queueOffset, PULL_BATCH));
    tally.pullBytes += reply.body?.length ?? 0;
    if (reply.code === ResponseCode.SUCCESS) {
      queueOffset = verifyRecords(reply.body, queueOffset, tally, `${topic} q${queueId}`);
    } else if (reply.code !== ResponseCode.PULL_NOT_FOUND) {
      recordError(tally, `pull ${topic} q${queueId}@${queueOffset}: code ${reply.code} ${reply.remark ?? ''}`);
      return;
    }
  }
  if (client.closeReason !== null) recordError(tally, `reader ${topic} q${queueId} closed: ${client.closeReason}`);
}

/** Single-record pulls of the trigger topic, eight in flight, reading slowly. */
async function readTrigger(client: SoakWsClient, count: number, tally: Tally): Promise<void> {
  client.onMessage = null;
  slowReader(client, true, tally, (sizeBytes) => {
    if (sizeBytes === 65_479 || sizeBytes === 130_956) tally.triggerMessages[sizeBytes]++;
  });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count && client.closeReason === null) {
      const queueOffset = next++;
      const reply = await client.invoke(pullRequest(TRIGGER_TOPIC, 0, queueOffset, 1));
      tally.pullBytes += reply.body?.length ?? 0;
      if (reply.code !== ResponseCode.SUCCESS) {
        recordError(tally, `trigger pull @${queueOffset}: code ${reply.code} ${reply.remark ?? ''}`);
        continue;
      }
      verifyRecords(reply.body, queueOffset, tally, 'trigger');
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
}

function slowReader(client: SoakWsClient, slow: boolean, tally: Tally, observe?: (sizeBytes: number) => void): void {
  let sincePause = 0;
  client.onMessage = (sizeBytes) => {
    observe?.(sizeBytes);
    sincePause += sizeBytes;
    if (slow && sincePause >= SLOW_PAUSE_EVERY_BYTES) {
      sincePause = 0;
      tally.pauses++;
      client.pauseReading(SLOW_PAUSE_MS);
    }
  };
}

/** Checks every record of a pull body; returns the next queue offset. */
function verifyRecords(body: Buffer | null, firstOffset: number, tally: Tally, where: string): number {
  if (body === null) {
    recordError(tally, `${where}@${firstOffset}: FOUND without a body`);
    return firstOffset;
  }
  let expected = firstOffset;
  try {
    for (const record of decodeRecords(body)) {
      if (record.queueOffset !== expected) recordError(tally, `${where}: queue offset ${record.queueOffset}, expected ${expected}`);
      if (!recordCrcMatches(body, record.position)) recordError(tally, `${where}@${record.queueOffset}: stored BODYCRC mismatch`);
      const problem = checkSoakBody(record.body);
      if (problem !== null) recordError(tally, `${where}@${record.queueOffset}: ${problem}`);
      tally.recordsVerified++;
      expected = record.queueOffset + 1;
    }
  } catch (error) {
    recordError(tally, `${where}@${firstOffset}: body does not decode: ${String(error)}`);
  }
  return expected;
}

function recordError(tally: Tally, error: string): void {
  tally.errorCount++;
  if (tally.errors.length < ERRORS_KEPT) tally.errors.push(error);
}

interface SoakBroker {
  wsPort: number;
  stop(): Promise<void>;
}

/** The repository root, from dist/bench/soak or bench/soak. */
function repoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(`${sep}dist${sep}`) ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
}

/** bin/mqbroker on a free port run, two I/O threads, a tmp store; no NameServer needed. */
async function startBroker(logDir: string | null): Promise<SoakBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'petrel-broker-soak-'));
  const listenPort = await freePortRun();
  const child = spawn(join(repoRoot(), 'bin', 'mqbroker'), [
    `--listenPort=${listenPort}`, '--brokerIP1=127.0.0.1', '--ioThreads=2', `--storePathRootDir=${join(dir, 'store')}`,
    `--logDir=${logDir ?? join(dir, 'logs')}`, '--mappedFileSizeCommitLog=268435456',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /boot success/);
  return {
    wsPort: listenPort + 2,
    async stop() {
      await new Promise<void>((resolvePromise) => {
        if (child.exitCode !== null) resolvePromise();
        child.once('exit', () => resolvePromise());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker not ready:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}:\n${output}`)));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolvePromise(true)));
  });
}

/** p, p+1, p+2 free: the broker's listen, HA and WebSocket ports. */
async function freePortRun(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if (await portFree(base) && await portFree(base + 1) && await portFree(base + 2)) return base;
  }
  throw new Error('no free port run');
}
