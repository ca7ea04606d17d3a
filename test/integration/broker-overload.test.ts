// Proves back-pressure end to end: a producer that offers far more than the store can take
// (SYNC_FLUSH, a 64 KiB request ring, 16 appends in flight per thread) gets SYSTEM_BUSY answers
// at once instead of the broker queueing without bound, every SEND_OK message reads back, and
// the broker process's peak RSS (VmHWM) grows by far less than the bytes offered.
// (The send queue is cut to 64 waiting requests so overload reaches the store ring quickly.)
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster } from './broker-data-cluster.js';

const BODY_BYTES = 8 * 1024;
const WAVE_SENDS = 1000;
const WAVES = 30;
const OFFERED_BYTES = BODY_BYTES * WAVE_SENDS * WAVES;
/** The broker may grow by this much at most while 240 MiB are offered (< half of it). */
const RSS_GROWTH_BYTES_MAX = 100 * 1024 * 1024;

let cluster: Cluster;
let client: RemotingClient;

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: [
    '--flushDiskType=SYNC_FLUSH', '--storeRingBytes=65536', '--storeCompletionSlots=16',
    '--storeBehindBytesMax=65536', '--ioThreads=1', '--sendThreadPoolQueueCapacity=64',
  ] });
  client = new RemotingClient();
  await createTopic(cluster, client, 'Overload', 1);
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
});

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((text) => text.startsWith(field));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN);
}

function send(body: Buffer): RemotingCommand {
  return createRequest(310, { a: 'pg', b: 'Overload', c: 'TBW102', d: '4', e: '0', f: '0', g: String(Date.now()),
    h: '0' }, body);
}

describe('overload', () => {
  it('answers SYSTEM_BUSY instead of buffering, and the broker RSS stays bounded', async () => {
    const pid = cluster.brokerPid();
    const body = Buffer.alloc(BODY_BYTES, 7);
    const warm = await client.invoke(cluster.brokerAddress, send(body), 5000);
    expect(warm.code).toBe(ResponseCode.SUCCESS);
    const baselineKiB = statusKiB(pid, 'VmRSS');
    const codes = new Map<number, number>();
    for (let wave = 0; wave < WAVES; wave++) {
      const replies = await Promise.all(Array.from({ length: WAVE_SENDS },
        () => client.invoke(cluster.brokerAddress, send(body), 20_000)));
      for (const reply of replies) codes.set(reply.code, (codes.get(reply.code) ?? 0) + 1);
    }
    const peakKiB = statusKiB(pid, 'VmHWM');
    const ok = codes.get(ResponseCode.SUCCESS) ?? 0;
    const busy = codes.get(ResponseCode.SYSTEM_BUSY) ?? 0;
    expect(ok + busy).toBe(WAVE_SENDS * WAVES);
    expect(busy).toBeGreaterThan(0);
    expect(ok).toBeGreaterThan(0);
    expect((peakKiB - baselineKiB) * 1024).toBeLessThan(Math.min(RSS_GROWTH_BYTES_MAX, OFFERED_BYTES / 2));
    const max = await client.invoke(cluster.brokerAddress, createRequest(30, { topic: 'Overload', queueId: '0' }), 5000);
    expect(Number(max.extFields?.['offset'])).toBe(ok + 1);
  });
});
