// Proves the client side of WebSocket remoting: RemotingClient with `transport: 'ws'` talks to a
// WsServer (both implementations) with requests in flight, oneway, and server-initiated requests
// answered by the client's handler; the connection writes the frames of one tick as one binary
// message and reports bytes the socket has not taken in writeQueueBytes; a refused connection is
// ERR_REMOTING_CONNECT. How: a real WsServer and, for the byte-level checks, a plain `ws` server
// that records every message it receives; all on 127.0.0.1 port 0.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '../../src/common/errors.js';
import { silentLogger } from '../../src/common/log.js';
import { createRequest, createResponse } from '../../src/protocol/command.js';
import { encodeCommand } from '../../src/protocol/frame.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { Channel } from '../../src/remoting/channel.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { connectWs } from '../../src/remoting/ws-connection.js';
import { loadUws } from '../../src/remoting/ws-native.js';
import { type WsServer, startWsServer } from '../../src/remoting/ws-server.js';

const uwsLoads = 'uws' in loadUws();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(['uws', 'node'] as const)('RemotingClient over ws (%s server)', (implementation) => {
  it.skipIf(implementation === 'uws' && !uwsLoads)('round-trips requests, oneway and server-initiated requests', async () => {
    const channels: Channel[] = [];
    const oneways: string[] = [];
    let server: WsServer | null = null;
    server = await startWsServer({
      host: '127.0.0.1', port: 0, logger: silentLogger, implementation,
      handler: async (request, channel) => {
        channels.push(channel);
        if (request.code === 1) return createResponse(request, ResponseCode.SUCCESS, null, null, request.body);
        if (request.code === 2) {
          oneways.push(request.body?.toString() ?? '');
          return null;
        }
        const answer = await (server as WsServer).invoke(channel, createRequest(77, { q: 'ask' }), 5000);
        return createResponse(request, ResponseCode.SUCCESS, answer.remark);
      },
    });
    cleanups.push(() => server?.close());
    const client = new RemotingClient({
      transport: 'ws', logger: silentLogger,
      handler: (request) => createResponse(request, ResponseCode.SUCCESS, `client saw ${request.extFields?.['q']}`),
    });
    cleanups.push(() => client.close());
    const address = `127.0.0.1:${server.port}`;
    const replies = await Promise.all(Array.from({ length: 100 }, (_, index) =>
      client.invoke(address, createRequest(1, null, Buffer.from(`m${index}`)), 5000)));
    expect(replies.map((reply) => reply.body?.toString())).toEqual(Array.from({ length: 100 }, (_, index) => `m${index}`));
    await client.invokeOneway(address, createRequest(2, null, Buffer.from('fire')));
    const asked = await client.invoke(address, createRequest(3), 5000);
    expect(asked.remark).toBe('client saw ask');
    expect(oneways).toEqual(['fire']);
    expect(new Set(channels.map((channel) => channel.id)).size).toBe(1);
    expect(channels[0]?.transport).toBe('ws');
  });
});

describe('WsConnection', () => {
  async function recordingServer(): Promise<{ port: number; messages: Buffer[] }> {
    const messages: Buffer[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/remoting' });
    wss.on('connection', (socket) => socket.on('message', (data: Buffer) => messages.push(data)));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => {
      for (const socket of wss.clients) socket.terminate();
      wss.close(() => resolve());
    }));
    const address = wss.address();
    return { port: typeof address === 'object' && address !== null ? address.port : 0, messages };
  }

  it('writes the frames of one tick as one binary message, in order', async () => {
    const { port, messages } = await recordingServer();
    const connection = await connectWs(`127.0.0.1:${port}`, { connectTimeoutMs: 2000 });
    cleanups.push(() => connection.close('done'));
    const frames = [1, 2, 3].map((code) => encodeCommand(createRequest(code, null, Buffer.from(`body${code}`))));
    connection.writeFrames([frames[0] as Buffer]);
    connection.writeFrames([frames[1] as Buffer, frames[2] as Buffer]);
    expect(connection.writeQueueBytes).toBe(frames.reduce((sum, frame) => sum + frame.length, 0));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.equals(Buffer.concat(frames))).toBe(true);
    expect(connection.transport).toBe('ws');
    expect(connection.remoteAddress).toBe(`127.0.0.1:${port}`);
  });

  it('counts bytes the socket has not taken while the server does not read', async () => {
    const { port } = await recordingServer();
    const connection = await connectWs(`127.0.0.1:${port}`, { connectTimeoutMs: 2000 });
    cleanups.push(() => connection.close('done'));
    // 64 MB can never all sit in the loopback socket buffers at once.
    const chunk = Buffer.alloc(1024 * 1024, 7);
    for (let index = 0; index < 64; index++) connection.writeFrames([chunk]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(connection.writeQueueBytes).toBeGreaterThan(0);
    expect(connection.writeQueueBytes).toBeLessThanOrEqual(64 * chunk.length);
  });

  it('rejects with ERR_REMOTING_CONNECT when the upgrade is refused or the address is bad', async () => {
    const { port } = await recordingServer();
    await expect(connectWs(`127.0.0.1:${port}`, { connectTimeoutMs: 2000 }, { path: '/other' }))
      .rejects.toMatchObject({ code: ErrorCode.ERR_REMOTING_CONNECT });
    await expect(connectWs('not-an-address', { connectTimeoutMs: 2000 }))
      .rejects.toMatchObject({ code: ErrorCode.ERR_REMOTING_CONNECT });
  });
});
