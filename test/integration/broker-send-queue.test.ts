// Proves the broker's send queue end to end: with a 64 KiB store ring, 1,000 concurrent 8 KiB
// sends (8 MiB, 128 x the ring) are all stored, none refused: a send the ring cannot take waits
// in the I/O thread's queue (waitTimeMillsInSendQueue, raised here so a slow CI box cannot time
// one out) and goes in as the store frees room, and the queue's max offset equals the number
// of sends answered SUCCESS. Before the queue existed every send past the ring got SYSTEM_BUSY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster } from './broker-data-cluster.js';

const BODY_BYTES = 8 * 1024;
const SENDS = 1000;

let cluster: Cluster;
let client: RemotingClient;

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: [
    '--flushDiskType=ASYNC_FLUSH', '--storeRingBytes=65536', '--storeCompletionSlots=16', '--ioThreads=1',
    '--waitTimeMillsInSendQueue=20000',
  ] });
  client = new RemotingClient();
  await createTopic(cluster, client, 'Queued', 1);
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
});

function send(body: Buffer): RemotingCommand {
  return createRequest(310, { a: 'pg', b: 'Queued', c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()),
    h: '0' }, body);
}

describe('send queue', () => {
  it('stores sends that arrive faster than the ring drains instead of refusing them', async () => {
    const body = Buffer.alloc(BODY_BYTES, 3);
    const replies = await Promise.all(Array.from({ length: SENDS },
      () => client.invoke(cluster.brokerAddress, send(body), 30_000)));
    const codes = new Map<number, number>();
    for (const reply of replies) codes.set(reply.code, (codes.get(reply.code) ?? 0) + 1);
    expect([...codes]).toEqual([[ResponseCode.SUCCESS, SENDS]]);
    const offsets = replies.map((reply) => Number(reply.extFields?.['queueOffset'])).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: SENDS }, (_, index) => index));
    const max = await client.invoke(cluster.brokerAddress, createRequest(30, { topic: 'Queued', queueId: '0' }), 5000);
    expect(Number(max.extFields?.['offset'])).toBe(SENDS);
  });
});
