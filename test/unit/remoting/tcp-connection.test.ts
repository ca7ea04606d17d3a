// Proves the client's TCP connection reads (net onread, no 'data' events) over a real loopback
// socket: frames of mixed sizes written by the server in odd-sized pieces reach the data
// listener intact and in order when a FrameDecoder lends its large frames (readInto), large
// frames arrive as the decoder's own buffers; bytes that arrive before onData is registered are
// delivered once it is; peer close still reports onClose; a Connection without readInto works.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder, IN_PLACE_FRAME_BYTES_MIN, LENGTH_PREFIX_BYTES } from '../../../src/protocol/frame.js';
import type { Connection } from '../../../src/remoting/connection.js';
import { connectTcp } from '../../../src/remoting/tcp-connection.js';

function frameOf(contentBytes: number, seed: number): Buffer {
  const frame = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + contentBytes);
  frame.writeInt32BE(contentBytes, 0);
  for (let i = LENGTH_PREFIX_BYTES; i < frame.length; i++) frame[i] = (i * 13 + seed) & 0xff;
  return frame;
}

let server: Server | null = null;
const connections: Connection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close('test done');
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
  server = null;
});

/** A server that writes `stream` to each client in pieces of `pieceBytes`, then optionally ends. */
async function serve(stream: Buffer, pieceBytes: number, end: boolean): Promise<string> {
  server = createServer((socket: Socket) => {
    for (let position = 0; position < stream.length; position += pieceBytes) {
      socket.write(stream.subarray(position, position + pieceBytes));
    }
    if (end) socket.end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `127.0.0.1:${address.port}`;
}

async function open(address: string): Promise<Connection> {
  const connection = await connectTcp(address, { connectTimeoutMs: 5000 });
  connections.push(connection);
  return connection;
}

const mixed = [frameOf(50, 1), frameOf(300 * 1024, 2), frameOf(7, 3), frameOf(IN_PLACE_FRAME_BYTES_MIN + 1, 4),
  frameOf(1000, 5), frameOf(256 * 1024, 6), frameOf(IN_PLACE_FRAME_BYTES_MIN, 7)];
const mixedBytes = Buffer.concat(mixed);

function expectFrames(actual: readonly Buffer[]): void {
  expect(actual.map((content) => content.length)).toEqual(mixed.map((frame) => frame.length - LENGTH_PREFIX_BYTES));
  actual.forEach((content, index) => {
    if (!content.equals((mixed[index] as Buffer).subarray(LENGTH_PREFIX_BYTES))) expect.fail(`frame ${index} differs`);
  });
}

describe('TcpConnection reads', () => {
  for (const pieceBytes of [1000, 65536, 100_003]) {
    it(`delivers mixed frames written in ${pieceBytes}-byte pieces, large ones in place`, async () => {
      const address = await serve(mixedBytes, pieceBytes, false);
      const connection = await open(address);
      const frames: Buffer[] = [];
      const lent = new Set<ArrayBufferLike>();
      const decoder = new FrameDecoder((content) => frames.push(content));
      connection.readInto?.(() => {
        const target = decoder.readTarget();
        if (target !== null) lent.add(target.buffer);
        return target;
      });
      connection.onData((chunk) => decoder.push(chunk));
      await expect.poll(() => frames.length, { timeout: 10_000 }).toBe(mixed.length);
      expectFrames(frames);
      for (const index of [1, 3, 5]) expect(lent.has((frames[index] as Buffer).buffer)).toBe(true);
    });
  }

  it('delivers bytes read before onData once it is registered, and reports peer close', async () => {
    const address = await serve(mixedBytes, 4096, true);
    const connection = await open(address);
    const closed = new Promise<string>((resolve) => connection.onClose(resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder((content) => frames.push(content));
    connection.onData((chunk) => decoder.push(chunk));
    expect(await closed).toBe('peer closed the connection');
    expectFrames(frames);
  });
});
