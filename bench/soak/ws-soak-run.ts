import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { WsImplementationChoice } from '../../src/remoting/ws-native.js';
import { SoakWsClient } from './ws-soak-client.js';
import { checkSoakBody, soakPullRequest, soakSendRequest } from './ws-soak-protocol.js';
import type { SoakServerData, SoakServerReport } from './ws-soak-server.js';

/**
 * The WebSocket soak: moves `sendBytes` of SEND bodies (CRC-checked by the server) and
 * `pullBytes` of PULL replies (CRC-checked here) through a WsServer running in a worker thread,
 * over `connections` WebSocket connections. `slowReaders` of them only pull 65,479 / 130,956-byte
 * frames (the uWS payload-loss trigger sizes) with a deep window and pause their reads every few
 * MB, so the server's sends back up at message boundaries. Any CRC mismatch, out-of-order
 * reply, failed request or closed connection is an error; the run passes with zero errors.
 */
export interface WsSoakOptions {
  sendBytes: number;
  pullBytes: number;
  implementation: WsImplementationChoice;
  connections: number;
  slowReaders: number;
  /** Requests in flight per normal connection. */
  window: number;
  /** Requests in flight per slow reader (deep enough to exceed the socket buffers). */
  slowWindow: number;
  /** Server log directory (remoting.log); null for silent. */
  logDir: string | null;
  onProgress?: (progress: WsSoakProgress) => void;
}

export interface WsSoakProgress {
  sendBytes: number;
  pullBytes: number;
  errorCount: number;
  seconds: number;
}

export interface WsSoakResult extends WsSoakProgress {
  implementation: 'uws' | 'node';
  sendCount: number;
  pullCount: number;
  /** Replies received as one message of exactly that many bytes. */
  triggerMessages: { 65479: number; 130956: number };
  slowReaderPauses: number;
  serverSendBytes: number;
  /** The first errors (all are counted in errorCount). */
  errors: string[];
}

export const WS_SOAK_DEFAULTS: Omit<WsSoakOptions, 'sendBytes' | 'pullBytes'> = {
  implementation: 'uws', connections: 4, slowReaders: 2, window: 64, slowWindow: 256, logDir: null,
};

const SEND_BODY_SIZES = [512, 4096, 16_384, 65_536, 262_144, 1_048_576];
const PULL_FRAME_SIZES = [65_479, 2048, 130_956, 16_384, 262_144, 1_048_576];
const TRIGGER_FRAME_SIZES = [65_479, 130_956];
const SLOW_READER_PAUSE_EVERY_BYTES = 4 * 1024 * 1024;
const SLOW_READER_PAUSE_MS = 10;
const ERRORS_KEPT = 20;
const PROGRESS_INTERVAL_MS = 2000;

interface Tally {
  sendReserved: number;
  pullReserved: number;
  sendBytes: number;
  pullBytes: number;
  sendCount: number;
  pullCount: number;
  seq: number;
  pauses: number;
  errorCount: number;
  errors: string[];
  triggerMessages: { 65479: number; 130956: number };
}

export async function runWsSoak(options: WsSoakOptions): Promise<WsSoakResult> {
  const server = await startServerThread(options);
  const tally: Tally = {
    sendReserved: 0, pullReserved: 0, sendBytes: 0, pullBytes: 0, sendCount: 0, pullCount: 0, seq: 0,
    pauses: 0, errorCount: 0, errors: [], triggerMessages: { 65479: 0, 130956: 0 },
  };
  const startedMs = Date.now();
  const progress = (): WsSoakProgress => ({
    sendBytes: tally.sendBytes, pullBytes: tally.pullBytes, errorCount: tally.errorCount,
    seconds: (Date.now() - startedMs) / 1000,
  });
  const timer = setInterval(() => options.onProgress?.(progress()), PROGRESS_INTERVAL_MS);
  const clients: SoakWsClient[] = [];
  try {
    for (let index = 0; index < options.connections; index++) {
      clients.push(await SoakWsClient.connect(`127.0.0.1:${server.port}`));
    }
    await Promise.all(clients.map((client, index) => driveConnection(client, index < options.slowReaders, options, tally)));
  } finally {
    clearInterval(timer);
    for (const client of clients) client.close();
  }
  const stats = await server.stop();
  for (const error of stats.errors) recordError(tally, `server: ${error}`);
  return {
    ...progress(), implementation: server.implementation, sendCount: tally.sendCount, pullCount: tally.pullCount,
    triggerMessages: tally.triggerMessages, slowReaderPauses: tally.pauses, serverSendBytes: stats.sendBytes,
    errors: tally.errors,
  };
}

async function driveConnection(client: SoakWsClient, slow: boolean, options: WsSoakOptions, tally: Tally): Promise<void> {
  let receivedSincePause = 0;
  client.onMessage = (sizeBytes) => {
    if (sizeBytes === 65_479 || sizeBytes === 130_956) tally.triggerMessages[sizeBytes]++;
    receivedSincePause += sizeBytes;
    if (slow && receivedSincePause >= SLOW_READER_PAUSE_EVERY_BYTES) {
      receivedSincePause = 0;
      tally.pauses++;
      client.pauseReading(SLOW_READER_PAUSE_MS);
    }
  };
  const workers = Array.from({ length: slow ? options.slowWindow : options.window }, (_, index) =>
    runWorker(client, slow, index, options, tally));
  await Promise.all(workers);
}

async function runWorker(client: SoakWsClient, slow: boolean, index: number, options: WsSoakOptions, tally: Tally): Promise<void> {
  let turn = index;
  while (client.closeReason === null) {
    turn++;
    const wantsSend = !slow && turn % 3 === 0 && tally.sendReserved < options.sendBytes;
    if (wantsSend || (!slow && tally.pullReserved >= options.pullBytes && tally.sendReserved < options.sendBytes)) {
      const sizeBytes = SEND_BODY_SIZES[turn % SEND_BODY_SIZES.length] as number;
      tally.sendReserved += sizeBytes;
      await sendOnce(client, sizeBytes, tally);
    } else if (tally.pullReserved < options.pullBytes) {
      const sizes = slow ? TRIGGER_FRAME_SIZES : PULL_FRAME_SIZES;
      const frameBytes = sizes[turn % sizes.length] as number;
      tally.pullReserved += frameBytes;
      await pullOnce(client, frameBytes, tally);
    } else {
      return;
    }
  }
}

async function sendOnce(client: SoakWsClient, sizeBytes: number, tally: Tally): Promise<void> {
  const seq = tally.seq++;
  try {
    const reply = await client.invoke(soakSendRequest(sizeBytes, seq));
    if (reply.code !== ResponseCode.SUCCESS) recordError(tally, `send seq ${seq}: code ${reply.code} ${reply.remark ?? ''}`);
    tally.sendBytes += sizeBytes;
    tally.sendCount++;
  } catch (error) {
    recordError(tally, `send seq ${seq}: ${String(error)}`);
  }
}

async function pullOnce(client: SoakWsClient, frameBytes: number, tally: Tally): Promise<void> {
  const seq = tally.seq++;
  try {
    const reply = await client.invoke(soakPullRequest(frameBytes, seq));
    const problem = reply.code === ResponseCode.SUCCESS ? checkSoakBody(reply.body) : `code ${reply.code} ${reply.remark ?? ''}`;
    if (problem !== null) recordError(tally, `pull seq ${seq} (${frameBytes} B): ${problem}`);
    else if (reply.extFields?.['seq'] !== String(seq)) recordError(tally, `pull seq ${seq}: reply for seq ${reply.extFields?.['seq']}`);
    tally.pullBytes += reply.body?.length ?? 0;
    tally.pullCount++;
  } catch (error) {
    recordError(tally, `pull seq ${seq}: ${String(error)}`);
  }
}

function recordError(tally: Tally, error: string): void {
  tally.errorCount++;
  if (tally.errors.length < ERRORS_KEPT) tally.errors.push(error);
}

interface ServerThread {
  port: number;
  implementation: 'uws' | 'node';
  stop(): Promise<{ sendBytes: number; errors: string[] }>;
}

/** The compiled worker entry: next to this file under dist/, or in dist/ when run from sources. */
function serverWorkerUrl(): URL {
  if (fileURLToPath(import.meta.url).includes(`${sep}dist${sep}`)) return new URL('./ws-soak-server.js', import.meta.url);
  return new URL('../../dist/bench/soak/ws-soak-server.js', import.meta.url);
}

function startServerThread(options: WsSoakOptions): Promise<ServerThread> {
  const data: SoakServerData = { implementation: options.implementation, host: '127.0.0.1', logDir: options.logDir };
  const worker = new Worker(serverWorkerUrl(), { workerData: data });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (report: SoakServerReport) => {
      if (report.kind !== 'listening') {
        reject(new Error(report.kind === 'failed' ? report.error : 'unexpected soak server report'));
        void worker.terminate();
        return;
      }
      resolve({
        port: report.port,
        implementation: report.implementation,
        stop: () => new Promise((stopped) => {
          worker.once('message', (final: SoakServerReport) => {
            stopped(final.kind === 'stats' ? final.stats : { sendBytes: 0, errors: ['server sent no stats'] });
          });
          worker.postMessage('stop');
        }),
      });
    });
  });
}
