// Proves the TCP remoting server and client on loopback, in-process: many requests in flight
// answered out of order, oneway (no reply), timeouts, a malformed frame closing only its own
// connection, write coalescing (socket writes counted on the writer), bounded in-flight on both
// sides, idle close, server-initiated requests, handler errors as SYSTEM_ERROR, binary headers.
import { type Socket, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FLAG_ONEWAY, type RemotingCommand, SerializeType, createRequest, createResponse,
} from '../../src/protocol/command.js';
import { FrameDecoder, decodeFrame, encodeCommand } from '../../src/protocol/frame.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { Channel, RequestHandler } from '../../src/remoting/channel.js';
import { RemotingClient } from '../../src/remoting/client.js';
import type { Connection } from '../../src/remoting/connection.js';
import { RemotingServer, type RemotingServerOptions } from '../../src/remoting/server.js';
import type { TcpChannel } from '../../src/remoting/tcp-channel.js';
import { TcpConnection, connectTcp } from '../../src/remoting/tcp-connection.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(handler: RequestHandler, options: Partial<RemotingServerOptions> = {}) {
  const server = new RemotingServer({ handler, port: 0, host: '127.0.0.1', ...options });
  const port = await server.listen();
  cleanups.push(() => server.close());
  return { server, address: `127.0.0.1:${port}`, port };
}

function newClient(options: ConstructorParameters<typeof RemotingClient>[0] = {}): RemotingClient {
  const client = new RemotingClient(options);
  cleanups.push(() => client.close());
  return client;
}

function echo(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, null, { id: request.extFields?.['id'] ?? '' });
}

/** A raw socket that collects decoded frames, for byte-level tests. */
async function rawSocket(port: number): Promise<{ socket: Socket; frames: RemotingCommand[]; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const frames: RemotingCommand[] = [];
  const decoder = new FrameDecoder((content) => frames.push(decodeFrame(content)));
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  cleanups.push(() => { socket.destroy(); });
  return { socket, frames, closed };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

function request(id: number, code = 105): RemotingCommand {
  return createRequest(code, { id: String(id) });
}

describe('RemotingServer + RemotingClient over TCP', () => {
  it('answers many requests in flight, out of order, each matched to its own request', async () => {
    const held: RemotingCommand[] = [];
    const releases: Array<(reply: RemotingCommand) => void> = [];
    const count = 300;
    const { address } = await startServer((command) => new Promise<RemotingCommand>((resolve) => {
      held.push(command);
      releases.push(resolve);
      if (held.length === count) {
        // Answer in reverse arrival order.
        for (let i = count - 1; i >= 0; i--) (releases[i] as (r: RemotingCommand) => void)(echo(held[i] as RemotingCommand));
      }
    }));
    const client = newClient();
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) => client.invoke(address, request(i), 5000)),
    );
    responses.forEach((response, i) => {
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.extFields?.['id']).toBe(String(i));
    });
  });

  it('runs oneway requests without replying to them', async () => {
    const seen: number[] = [];
    const { port } = await startServer((command) => {
      seen.push(command.code);
      return echo(command);
    });
    const raw = await rawSocket(port);
    const oneway = request(1, 40);
    oneway.flag = FLAG_ONEWAY;
    oneway.opaque = 11;
    const normal = request(2, 41);
    normal.opaque = 12;
    raw.socket.write(encodeCommand(oneway));
    raw.socket.write(encodeCommand(normal));
    await until(() => raw.frames.length >= 1, 'a reply');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([40, 41]);
    expect(raw.frames.map((frame) => frame.opaque)).toEqual([12]);
    // The client API too: invokeOneway reaches the handler.
    const client = newClient();
    await client.invokeOneway(`127.0.0.1:${port}`, request(3, 42));
    await until(() => seen.includes(42), 'oneway via the client');
  });

  it('times a request out when no response comes', async () => {
    const { address } = await startServer(() => new Promise<RemotingCommand>(() => {}));
    const client = newClient();
    await expect(client.invoke(address, request(1), 50)).rejects.toMatchObject({ code: 'ERR_REMOTING_TIMEOUT' });
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const { address, port } = await startServer(echo);
    const client = newClient();
    expect((await client.invoke(address, request(1), 2000)).extFields?.['id']).toBe('1');
    const bad = await rawSocket(port);
    const frame = encodeCommand(request(9));
    frame.writeUInt8(7, 4); // serialize type 7 does not exist
    bad.socket.write(frame);
    await bad.closed;
    const huge = await rawSocket(port);
    huge.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    await huge.closed;
    expect((await client.invoke(address, request(2), 2000)).extFields?.['id']).toBe('2');
  });

  it('coalesces frames queued in one tick into one socket write, on both sides', async () => {
    const { server, port, address } = await startServer(echo);
    const raw = await rawSocket(port);
    const frames = Array.from({ length: 50 }, (_, i) => {
      const command = request(i);
      command.opaque = i + 1;
      return encodeCommand(command);
    });
    raw.socket.write(Buffer.concat(frames));
    await until(() => raw.frames.length === 50, '50 replies');
    const channel = server.channels[0] as TcpChannel;
    expect(channel.writer.socketWriteCount).toBe(1);

    let connection: Connection | undefined;
    const client = newClient({
      connectionFactory: async (target, options) => (connection = await connectTcp(target, options)),
    });
    await client.invoke(address, request(0), 2000);
    const writesBefore = (connection as TcpConnection).writer.socketWriteCount;
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.invoke(address, request(i), 2000)));
    expect((connection as TcpConnection).writer.socketWriteCount - writesBefore).toBe(1);
  });

  it('refuses requests past the client in-flight bound', async () => {
    const { address } = await startServer((command) => (command.code === 1
      ? echo(command) : new Promise<RemotingCommand>(() => {})));
    const client = newClient({ inFlightMax: 3 });
    await client.invoke(address, request(0, 1), 2000);
    const pending = Array.from({ length: 3 }, (_, i) => client.invoke(address, request(i), 500).catch((e: unknown) => e));
    await expect(client.invoke(address, request(9), 500)).rejects.toMatchObject({ code: 'ERR_REMOTING_TOO_MANY_IN_FLIGHT' });
    await Promise.all(pending);
  });

  it('stops reading a connection with too many unanswered requests and resumes as they settle', async () => {
    const releases: Array<() => void> = [];
    const handled: string[] = [];
    const { address } = await startServer((command) => new Promise<RemotingCommand>((resolve) => {
      handled.push(command.extFields?.['id'] ?? '');
      releases.push(() => resolve(echo(command)));
    }), { inFlightPerConnectionMax: 3 });
    const client = newClient();
    const first = Array.from({ length: 3 }, (_, i) => client.invoke(address, request(i), 5000));
    await until(() => handled.length === 3, 'three requests handled');
    const rest = Array.from({ length: 7 }, (_, i) => client.invoke(address, request(3 + i), 5000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(handled.length).toBe(3);
    while (releases.length > 0) (releases.shift() as () => void)();
    const releaser = setInterval(() => { while (releases.length > 0) (releases.shift() as () => void)(); }, 5);
    cleanups.push(() => clearInterval(releaser));
    const responses = await Promise.all([...first, ...rest]);
    expect(responses.map((r) => r.extFields?.['id'])).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
  });

  it('closes idle channels', async () => {
    const { address } = await startServer(echo, { channelIdleMs: 100 });
    const closedReasons: string[] = [];
    const client = newClient({ onConnectionClosed: (_address, reason) => closedReasons.push(reason) });
    await client.invoke(address, request(1), 2000);
    await until(() => closedReasons.length === 1, 'idle close');
    expect(client.connectedAddresses).toEqual([]);
    expect((await client.invoke(address, request(2), 2000)).extFields?.['id']).toBe('2');
  });

  it('fails pending requests with ERR_REMOTING_CLOSED when the connection drops', async () => {
    let serverChannel: Channel | undefined;
    const { address } = await startServer((_command, channel) => {
      serverChannel = channel;
      return new Promise<RemotingCommand>(() => {});
    });
    const client = newClient();
    const pending = client.invoke(address, request(1), 5000);
    await until(() => serverChannel !== undefined, 'request to arrive');
    serverChannel?.close('test');
    await expect(pending).rejects.toMatchObject({ code: 'ERR_REMOTING_CLOSED' });
  });

  it('reports ERR_REMOTING_CONNECT for an address nobody listens on', async () => {
    const { server, address } = await startServer(echo);
    await server.close();
    const client = newClient();
    await expect(client.invoke(address, request(1), 1000)).rejects.toMatchObject({ code: 'ERR_REMOTING_CONNECT' });
  });

  it('sends server-initiated requests to a client handler and gets its answer', async () => {
    let serverChannel: Channel | undefined;
    const { server, address } = await startServer((command, channel) => {
      serverChannel = channel;
      return echo(command);
    });
    const client = newClient({
      handler: (command) => createResponse(command, ResponseCode.SUCCESS, `client saw ${command.code}`),
    });
    await client.invoke(address, request(1), 2000);
    const answer = await server.invoke(serverChannel as Channel, createRequest(39), 2000);
    expect(answer.remark).toBe('client saw 39');
    server.invokeOneway(serverChannel as Channel, createRequest(40));
  });

  it('turns a handler throw into SYSTEM_ERROR with the message as remark', async () => {
    const { address } = await startServer(() => {
      throw new Error('boom');
    });
    const client = newClient();
    const response = await client.invoke(address, request(1), 2000);
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('boom');
  });

  it('answers a binary-header request with a binary-header reply', async () => {
    const { port } = await startServer(echo);
    const raw = await rawSocket(port);
    const command = request(5);
    command.serializeType = SerializeType.ROCKETMQ;
    command.opaque = 77;
    raw.socket.write(encodeCommand(command));
    await until(() => raw.frames.length === 1, 'reply');
    expect(raw.frames[0]).toMatchObject({ opaque: 77, serializeType: SerializeType.ROCKETMQ, flag: 1 });
    expect(raw.frames[0]?.extFields?.['id']).toBe('5');
  });

  it('carries large and small bodies intact through one coalesced write (cork/writev path)', async () => {
    const { address } = await startServer((command) => createResponse(command, ResponseCode.SUCCESS, null, null, command.body));
    const client = newClient();
    const bodies = [Buffer.alloc(100_000, 1), Buffer.from('x'), Buffer.alloc(2_000_000, 7), Buffer.alloc(20_000, 3)];
    bodies[2]?.writeUInt32BE(0xdeadbeef, 1_000_000);
    const responses = await Promise.all(bodies.map((body) => client.invoke(address, createRequest(1, null, body), 5000)));
    responses.forEach((response, i) => expect(response.body?.equals(bodies[i] as Buffer)).toBe(true));
  });

  it('closes a channel whose write queue would exceed its bound', async () => {
    const { address } = await startServer(
      (command) => createResponse(command, ResponseCode.SUCCESS, null, null, Buffer.alloc(200_000)),
      { writeQueueBytesMax: 64 * 1024 },
    );
    const client = newClient();
    await expect(client.invoke(address, request(1), 2000)).rejects.toMatchObject({ code: 'ERR_REMOTING_CLOSED' });
  });
});
