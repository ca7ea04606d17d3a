// Proves that the TCP socket writer reports hooked buffers (src/remoting/write-hooks.ts) done
// exactly when it no longer needs them: a large buffer (written as is) only after the socket's
// write completed, with its bytes arriving intact at the peer; a small one as soon as it is
// copied into a coalesced run; any queued buffer when the socket is already destroyed. How: a
// real loopback connection (port 0), SocketWriter on the client side, hooks recording calls.
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { COALESCE_COPY_BYTES_MAX, SocketWriter } from '../../../src/remoting/socket-writer.js';
import { onceWritten } from '../../../src/remoting/write-hooks.js';

let server: Server | null = null;
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.close();
  server = null;
});

async function connected(): Promise<{ client: Socket; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  server = createServer((peer) => {
    sockets.push(peer);
    peer.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = connect(port, '127.0.0.1');
  sockets.push(client);
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { client, received: () => Buffer.concat(chunks) };
}

describe('SocketWriter write hooks', () => {
  it('reports a large buffer after its write and a small one once copied', async () => {
    const { client, received } = await connected();
    const writer = new SocketWriter(client);
    const large = Buffer.alloc(COALESCE_COPY_BYTES_MAX * 4, 5);
    const small = Buffer.from('small');
    const reports: string[] = [];
    onceWritten(large, () => reports.push('large'));
    onceWritten(small, () => reports.push('small'));
    writer.enqueue([small, Buffer.from('x'), large]);
    expect(reports).toEqual([]);
    writer.flush();
    expect(reports).toEqual(['small']);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (reports.includes('large')) resolve();
        else setImmediate(check);
      };
      check();
    });
    expect(reports).toEqual(['small', 'large']);
    const total = 6 + large.length;
    while (received().length < total) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received().equals(Buffer.concat([small, Buffer.from('x'), large]))).toBe(true);
  });

  it('reports queued buffers dropped when the socket is destroyed', async () => {
    const { client } = await connected();
    const writer = new SocketWriter(client);
    const large = Buffer.alloc(COALESCE_COPY_BYTES_MAX, 1);
    let reported = 0;
    onceWritten(large, () => reported++);
    writer.enqueue([large]);
    client.destroy();
    writer.flush();
    expect(reported).toBe(1);
  });
});
