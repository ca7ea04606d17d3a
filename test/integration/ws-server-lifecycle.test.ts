// Proves the WsServer's bounds and lifecycle on both implementations: a client that stops reading
// gets its connection closed once the send queue bound is passed (the server neither grows
// without limit nor stops serving others); requests past the in-flight bound get SYSTEM_BUSY;
// close() finishes even when a peer ignores the close handshake; starting logs exactly one line
// naming the implementation; and a process that closes its server exits cleanly (uWS aborts the process
// at exit when a listen socket is left open). How: in-process servers on 127.0.0.1 port 0 with a
// small queue bound and a logger writing to memory, and a child process running the compiled
// server from dist/ (`make test` builds it).
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  createSoakHandler, newSoakServerStats, soakPullRequest,
} from '../../bench/soak/ws-soak-protocol.js';
import { SoakWsClient } from '../../bench/soak/ws-soak-client.js';
import { silentLogger } from '../../src/common/log.js';
import { createRequest, createResponse } from '../../src/protocol/command.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { loadUws } from '../../src/remoting/ws-native.js';
import { startWsServer } from '../../src/remoting/ws-server.js';

const uwsLoads = 'uws' in loadUws();

function memoryLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  return {
    logger,
    lines: () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe.each(['uws', 'node'] as const)('WsServer bounds and lifecycle (%s)', (implementation) => {
  it.skipIf(implementation === 'uws' && !uwsLoads)('closes a connection that does not read once the queue bound is passed', async () => {
    const { logger, lines } = memoryLogger();
    const server = await startWsServer({
      host: '127.0.0.1', port: 0, handler: createSoakHandler(newSoakServerStats()), logger, implementation,
      sendQueueBytesMax: 4 * 1024 * 1024,
    });
    const address = `127.0.0.1:${server.port}`;
    const stalled = await SoakWsClient.connect(address);
    const healthy = await SoakWsClient.connect(address);
    try {
      stalled.connection.webSocket.pause();
      const closed = new Promise<string>((resolve) => stalled.connection.onClose(resolve));
      // 40 MB of replies, far more than the socket buffers plus the 4 MiB bound.
      const pulls = Array.from({ length: 600 }, (_, seq) => stalled.invoke(soakPullRequest(65_479, seq)).catch(() => null));
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (server.channels.length === 1) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
      stalled.connection.webSocket.resume();
      expect(await closed).toMatch(/closed by peer|ws error/);
      await Promise.all(pulls);
      const reasons = lines().filter((line) => line['msg'] === 'closing ws channel').map((line) => String(line['reason']));
      expect(reasons.some((reason) => reason.startsWith('slow consumer'))).toBe(true);
      const reply = await healthy.invoke(soakPullRequest(1000, 1));
      expect(reply.code).toBe(ResponseCode.SUCCESS);
    } finally {
      stalled.close();
      healthy.close();
      await server.close();
    }
  });

  it.skipIf(implementation === 'uws' && !uwsLoads)('answers SYSTEM_BUSY past the per-connection in-flight bound', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startWsServer({
      host: '127.0.0.1', port: 0, logger: silentLogger, implementation, inFlightPerConnectionMax: 2,
      handler: async (request) => {
        await gate;
        return createResponse(request, ResponseCode.SUCCESS);
      },
    });
    const client = await SoakWsClient.connect(`127.0.0.1:${server.port}`);
    try {
      const replies = Array.from({ length: 5 }, () => client.invoke(createRequest(1)));
      const busy = await Promise.all(replies.slice(2));
      expect(busy.map((reply) => reply.code)).toEqual([ResponseCode.SYSTEM_BUSY, ResponseCode.SYSTEM_BUSY, ResponseCode.SYSTEM_BUSY]);
      expect(busy[0]?.remark).toMatch(/too many requests in flight/);
      release();
      expect((await Promise.all(replies.slice(0, 2))).map((reply) => reply.code)).toEqual([0, 0]);
      expect((await client.invoke(createRequest(1))).code).toBe(ResponseCode.SUCCESS);
    } finally {
      release();
      client.close();
      await server.close();
    }
  });

  it.skipIf(implementation === 'uws' && !uwsLoads)('finishes close() while a peer ignores the close handshake', async () => {
    const server = await startWsServer({ host: '127.0.0.1', port: 0, handler: () => null, logger: silentLogger, implementation });
    const deaf = await SoakWsClient.connect(`127.0.0.1:${server.port}`);
    deaf.connection.webSocket.pause();
    const closed = new Promise<string>((resolve) => deaf.connection.onClose(resolve));
    await server.close();
    expect(server.channels).toEqual([]);
    deaf.connection.webSocket.resume();
    expect(await closed).toMatch(/closed by peer|ws error/);
  });

  it.skipIf(implementation === 'uws' && !uwsLoads)('logs exactly one line saying which implementation runs', async () => {
    const { logger, lines } = memoryLogger();
    const server = await startWsServer({ host: '127.0.0.1', port: 0, handler: () => null, logger, implementation });
    await server.close();
    const chosen = lines().filter((line) => String(line['msg']).startsWith('WebSocket/HTTP server uses'));
    expect(chosen).toHaveLength(1);
    expect(chosen[0]?.['implementation']).toBe(implementation);
    expect(chosen[0]?.['reason']).toBe(`wsImplementation=${implementation}`);
  });

  it.skipIf(implementation === 'uws' && !uwsLoads)('lets a process that closed its server exit cleanly', () => {
    const distServer = fileURLToPath(new URL('../../dist/src/remoting/ws-server.js', import.meta.url));
    const distClient = fileURLToPath(new URL('../../dist/src/remoting/ws-connection.js', import.meta.url));
    const script = `
      const { startWsServer } = await import(${JSON.stringify(distServer)});
      const { connectWs } = await import(${JSON.stringify(distClient)});
      const pino = (await import('pino')).default;
      const server = await startWsServer({ host: '127.0.0.1', port: 0, handler: () => null,
        logger: pino({ level: 'silent' }), implementation: ${JSON.stringify(implementation)} });
      const connection = await connectWs('127.0.0.1:' + server.port, { connectTimeoutMs: 2000 });
      await server.close();
      await new Promise((resolve) => connection.onClose(resolve));
      console.log('closed');
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 20_000, encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });
});
