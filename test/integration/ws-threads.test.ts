// Proves the broker's I/O-thread shape works with uWS: two worker threads each start a WsServer
// on the same explicit port (SO_REUSEPORT), both accept WebSocket connections and HTTP requests,
// and both stop cleanly (listen sockets closed, threads exit). How: two workers run the compiled
// server from dist/ (run `npx tsc -p tsconfig.json` first; `make test` does), each answering with
// its threadId; 24 connections must reach both threads (all on one: chance 2^-23).
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { SoakWsClient } from '../../bench/soak/ws-soak-client.js';
import { createRequest } from '../../src/protocol/command.js';
import { loadUws } from '../../src/remoting/ws-native.js';

const distServer = pathToFileURL(fileURLToPath(new URL('../../dist/src/remoting/ws-server.js', import.meta.url))).href;
const distCommand = pathToFileURL(fileURLToPath(new URL('../../dist/src/protocol/command.js', import.meta.url))).href;
const distLog = pathToFileURL(fileURLToPath(new URL('../../dist/src/common/log.js', import.meta.url))).href;

const WORKER_SOURCE = `
const { parentPort, workerData, threadId } = require('node:worker_threads');
(async () => {
  const { startWsServer } = await import(workerData.distServer);
  const { createResponse } = await import(workerData.distCommand);
  const { silentLogger } = await import(workerData.distLog);
  let server;
  try {
    server = await startWsServer({
      host: '127.0.0.1', port: workerData.port, logger: silentLogger, implementation: 'uws',
      handler: (request) => createResponse(request, 0, String(threadId)),
      httpRoutes: [{ method: 'GET', path: '/thread', handler: () => ({ status: 200, body: String(threadId) }) }],
    });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
    return;
  }
  parentPort.postMessage({ port: server.port, sharesPort: server.sharesPort, threadId });
  parentPort.once('message', async () => {
    await server.close();
    parentPort.postMessage({ closed: true });
  });
})();
`;

interface Started { worker: Worker; threadId: number; sharesPort: boolean }

function startWorker(port: number): Promise<Started> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port, distServer, distCommand, distLog } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { error?: string; threadId: number; sharesPort: boolean }) => {
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve({ worker, threadId: message.threadId, sharesPort: message.sharesPort });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function stopWorker(started: Started): Promise<number> {
  const exited = new Promise<number>((resolve) => started.worker.once('exit', resolve));
  started.worker.postMessage('stop');
  return exited;
}

describe.skipIf(!('uws' in loadUws()))('WsServer on two threads sharing one port (uWS)', () => {
  const workers: Started[] = [];
  const clients: SoakWsClient[] = [];

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const started of workers) await started.worker.terminate();
  });

  it('accepts on both threads and stops cleanly', async () => {
    let port = 0;
    for (let attempt = 0; attempt < 3 && workers.length < 2; attempt++) {
      for (const started of workers.splice(0)) await started.worker.terminate();
      port = await freePort();
      try {
        workers.push(await startWorker(port));
        workers.push(await startWorker(port));
      } catch {
        // another process took the port between the probe and the bind: try another
      }
    }
    expect(workers).toHaveLength(2);
    expect(workers.every((started) => started.sharesPort)).toBe(true);
    const seen = new Set<string>();
    for (let index = 0; index < 24; index++) {
      const client = await SoakWsClient.connect(`127.0.0.1:${port}`);
      clients.push(client);
      const reply = await client.invoke(createRequest(9101));
      seen.add(reply.remark ?? '');
    }
    expect([...seen].sort()).toEqual(workers.map((started) => String(started.threadId)).sort());
    const httpSeen = new Set<string>();
    for (let index = 0; index < 24; index++) {
      const response = await fetch(`http://127.0.0.1:${port}/thread`, { headers: { connection: 'close' } });
      httpSeen.add(await response.text());
    }
    expect(httpSeen.size).toBe(2);
    for (const client of clients.splice(0)) client.close();
    // close() closes the listen socket and the connections: the threads then end on their own.
    const exitCodes = await Promise.all(workers.splice(0).map((started) => stopWorker(started)));
    expect(exitCodes).toEqual([0, 0]);
  });
});
