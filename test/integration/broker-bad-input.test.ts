// Proves the broker process survives bad input on both transports (TCP on listenPort, WebSocket on
// listenPort+2) and keeps serving a well-behaved client: unknown codes get
// REQUEST_CODE_NOT_SUPPORTED (data-plane and control-plane paths), a missing required header
// field gets SYSTEM_ERROR naming it, an oversize body gets MESSAGE_ILLEGAL, and frames that do
// not decode (garbage content, a negative length, random bytes, a text WebSocket message) close
// only that connection.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import '../../src/remoting/ws-connection.js';
import { type Cluster, createTopic, startCluster } from './broker-data-cluster.js';

let cluster: Cluster;
let tcpClient: RemotingClient;
let wsClient: RemotingClient;
let wsAddress: string;

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: ['--maxMessageSize=1024'] });
  tcpClient = new RemotingClient();
  wsClient = new RemotingClient({ transport: 'ws' });
  wsAddress = `127.0.0.1:${cluster.wsPort}`;
  await createTopic(cluster, tcpClient, 'BadInput', 1);
});

afterAll(async () => {
  tcpClient?.close();
  wsClient?.close();
  await cluster?.stop();
});

function send(body: Buffer, drop?: string): RemotingCommand {
  const ext: Record<string, string> = { a: 'pg', b: 'BadInput', c: 'TBW102', d: '4', e: '0', f: '0', g: '1', h: '0' };
  if (drop !== undefined) delete ext[drop];
  return createRequest(310, ext, body);
}

/** A fresh connection sends, pulls and gets its own records back: the broker still serves. */
async function stillServes(client: RemotingClient, address: string): Promise<void> {
  const marker = randomBytes(8).toString('hex');
  const sent = await client.invoke(address, send(Buffer.from(marker)), 5000);
  expect(sent.code).toBe(ResponseCode.SUCCESS);
  const queueOffset = sent.extFields?.['queueOffset'] ?? '0';
  const pulled = await client.invoke(address, createRequest(11, { consumerGroup: 'G', topic: 'BadInput', queueId: '0',
    queueOffset, maxMsgNums: '1', sysFlag: '4', commitOffset: '0', suspendTimeoutMillis: '0', subscription: '*',
    subVersion: '0' }), 5000);
  expect(pulled.code).toBe(ResponseCode.SUCCESS);
  expect(pulled.body?.includes(Buffer.from(marker))).toBe(true);
}

function tcpClosesOn(bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(cluster.brokerPort, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 5000);
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function wsClosesOn(payload: Buffer | string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://${wsAddress}/remoting`);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(false);
    }, 5000);
    socket.on('open', () => socket.send(payload, { binary: typeof payload !== 'string' }));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function garbageFrame(): Buffer {
  const frame = randomBytes(104);
  frame.writeInt32BE(100, 0);
  frame.writeUInt8(0x7f, 4);
  return frame;
}

function negativeLength(): Buffer {
  const bytes = randomBytes(64);
  bytes.writeInt32BE(-5, 0);
  return bytes;
}

describe.each([
  ['tcp', () => tcpClient, () => cluster.brokerAddress],
  ['ws', () => wsClient, () => wsAddress],
] as const)('bad input over %s', (_name, client, address) => {
  it('answers unknown codes with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const reply = await client().invoke(address(), createRequest(9999, null), 5000);
    expect(reply.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(reply.remark).toContain('9999');
  });

  it('answers a missing required field with SYSTEM_ERROR naming it', async () => {
    const reply = await client().invoke(address(), send(Buffer.from('x'), 'b'), 5000);
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toContain('topic');
    const pull = await client().invoke(address(), createRequest(11, { consumerGroup: 'G', topic: 'BadInput' }), 5000);
    expect(pull.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('answers an oversize body with MESSAGE_ILLEGAL', async () => {
    const reply = await client().invoke(address(), send(Buffer.alloc(1025, 1)), 5000);
    expect(reply.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  it('keeps serving this client after all that', async () => {
    await stillServes(client(), address());
  });
});

describe('undecodable bytes close only their own connection', () => {
  it('over TCP: garbage content, a negative length, random bytes', async () => {
    expect(await tcpClosesOn(garbageFrame())).toBe(true);
    expect(await tcpClosesOn(negativeLength())).toBe(true);
    const noise = randomBytes(64 * 1024);
    noise.writeUInt8(0xff, 0);
    expect(await tcpClosesOn(noise)).toBe(true);
    await stillServes(tcpClient, cluster.brokerAddress);
    await stillServes(wsClient, wsAddress);
  });

  it('over WebSocket: garbage content, a negative length, a text message', async () => {
    expect(await wsClosesOn(garbageFrame())).toBe(true);
    expect(await wsClosesOn(negativeLength())).toBe(true);
    expect(await wsClosesOn('not binary')).toBe(true);
    await stillServes(wsClient, wsAddress);
    await stillServes(tcpClient, cluster.brokerAddress);
  });
});
