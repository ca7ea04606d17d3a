// Proves the SDK against real bin/mqnamesrv + bin/mqbroker processes, importing only from
// 'petrel' (the package's main entry, i.e. dist/src/client; the first five tests use just
// Producer, PushConsumer and Message): sync, callback and one-way sends all arrive intact (tags, keys, user
// properties, body); two clustering consumers of one group split the queues and see each
// message exactly once; two broadcasting consumers each see every message; a RECONSUME_LATER
// message comes back from %RETRY% with reconsumeTimes 1; and the WebSocket transport
// (transport: 'ws', broker listenPort + 2) sends and consumes the same way. Batches and
// selector (ordered) sends land where they should, read back with the pull consumer.
import { join } from 'node:path';
import { LitePullConsumer, Message, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

type Received = { topic: string; tags: string | undefined; keys: string | undefined; body: string; color: string | undefined;
  queueId: number; msgId: string; reconsumeTimes: number };

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: [`--messageDelayLevel=${Array.from({ length: 18 }, () => '1s').join(' ')}`] });
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  for (const topic of ['SdkModes', 'SdkSplit', 'SdkBroadcast', 'SdkRetry', 'SdkWs', 'SdkBatch']) await createTopic(cluster, admin, topic);
  admin.close();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

async function producer(options: Record<string, unknown> = {}): Promise<Producer> {
  const created = new Producer({ groupName: 'sdk_pg', namesrvAddr: cluster.namesrvAddress, logDir, ...options });
  await created.start();
  closers.push(() => created.shutdown());
  return created;
}

async function consumer(
  group: string, topic: string, sink: Received[], options: Record<string, unknown> = {},
  handler?: (reconsumeTimes: number) => 'CONSUME_SUCCESS' | 'RECONSUME_LATER',
): Promise<PushConsumer> {
  const created = new PushConsumer({
    groupName: group, namesrvAddr: cluster.namesrvAddress, logDir, offsetStoreDir: join(cluster.dir, 'offsets'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceIntervalMs: 1000, ...options,
  });
  created.subscribe(topic, '*');
  created.registerMessageListener(async (messages) => {
    for (const m of messages) {
      sink.push({ topic: m.topic, tags: m.tags, keys: m.keys, body: m.body.toString(), color: m.getUserProperty('color'),
        queueId: m.queueId, msgId: m.msgId, reconsumeTimes: m.reconsumeTimes });
    }
    return handler?.(messages[0]?.reconsumeTimes ?? 0) ?? 'CONSUME_SUCCESS';
  });
  await created.start();
  closers.push(() => created.shutdown());
  return created;
}

describe('SDK against real processes', () => {
  it('sends sync, with a callback and one-way; everything arrives intact', async () => {
    const sender = await producer();
    const got: Received[] = [];
    await consumer('sdk_modes', 'SdkModes', got);
    const sync = new Message('SdkModes', 'TagSync', ['k-sync'], 'sync body');
    sync.putUserProperty('color', 'red');
    expect((await sender.send(sync)).sendStatus).toBe('SEND_OK');
    const callbackId = await new Promise<string>((resolve, reject) => {
      sender.send(new Message('SdkModes', 'TagAsync', ['k-async'], 'async body'), { onSuccess: (r) => resolve(r.msgId), onException: reject });
    });
    await sender.sendOneway(new Message('SdkModes', 'TagOneway', ['k-oneway'], 'oneway body'));
    expect(await waitFor(() => got.length >= 3, 15_000)).toBe(true);
    const byTag = new Map(got.map((r) => [r.tags, r]));
    expect(byTag.get('TagSync')).toMatchObject({ keys: 'k-sync', body: 'sync body', color: 'red', topic: 'SdkModes' });
    expect(byTag.get('TagAsync')).toMatchObject({ keys: 'k-async', body: 'async body', msgId: callbackId });
    expect(byTag.get('TagOneway')).toMatchObject({ keys: 'k-oneway', body: 'oneway body' });
  });

  it('splits queues between two clustering consumers, each message once', async () => {
    const sender = await producer();
    const a: Received[] = [];
    const b: Received[] = [];
    const first = await consumer('sdk_split', 'SdkSplit', a);
    const second = await consumer('sdk_split', 'SdkSplit', b);
    const owned = (c: PushConsumer) => c.ownedQueues().filter((q) => q.topic === 'SdkSplit').length;
    expect(await waitFor(() => owned(first) === 2 && owned(second) === 2, 15_000)).toBe(true);
    for (let i = 0; i < 200; i++) await sender.send(new Message('SdkSplit', 'TagA', `split-${i}`));
    expect(await waitFor(() => a.length + b.length >= 200, 20_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const bodies = [...a, ...b].map((r) => r.body).sort();
    expect(bodies).toEqual(Array.from({ length: 200 }, (_, i) => `split-${i}`).sort());
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    const queuesOfA = new Set(a.map((r) => r.queueId));
    expect(b.some((r) => queuesOfA.has(r.queueId))).toBe(false);
  });

  it('broadcasts every message to every consumer of the group', async () => {
    const sender = await producer();
    const a: Received[] = [];
    const b: Received[] = [];
    await consumer('sdk_broadcast', 'SdkBroadcast', a, { messageModel: 'BROADCASTING', instanceName: 'bc1' });
    await consumer('sdk_broadcast', 'SdkBroadcast', b, { messageModel: 'BROADCASTING', instanceName: 'bc2' });
    for (let i = 0; i < 50; i++) await sender.send(new Message('SdkBroadcast', 'TagA', `bc-${i}`));
    expect(await waitFor(() => a.length >= 50 && b.length >= 50, 20_000)).toBe(true);
    const expected = Array.from({ length: 50 }, (_, i) => `bc-${i}`).sort();
    expect(a.map((r) => r.body).sort()).toEqual(expected);
    expect(b.map((r) => r.body).sort()).toEqual(expected);
  });

  it('retries a RECONSUME_LATER message through %RETRY%', async () => {
    const sender = await producer();
    const got: Received[] = [];
    await consumer('sdk_retry', 'SdkRetry', got, {}, (reconsumeTimes) => (reconsumeTimes === 0 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS'));
    await sender.send(new Message('SdkRetry', 'TagA', ['retry-key'], 'try again'));
    expect(await waitFor(() => got.length >= 2, 20_000)).toBe(true);
    expect(got[1]).toMatchObject({ topic: 'SdkRetry', body: 'try again', reconsumeTimes: 1, keys: 'retry-key' });
  });

  it('works over the WebSocket transport', async () => {
    const sender = await producer({ transport: 'ws', groupName: 'sdk_ws_pg' });
    const got: Received[] = [];
    await consumer('sdk_ws', 'SdkWs', got, { transport: 'ws' });
    const result = await sender.send(new Message('SdkWs', 'TagWs', 'over websocket'));
    expect(result.sendStatus).toBe('SEND_OK');
    await sender.sendOneway(new Message('SdkWs', 'TagWs', 'oneway over websocket'));
    expect(await waitFor(() => got.length >= 2, 15_000)).toBe(true);
    expect(got.map((r) => r.body).sort()).toEqual(['oneway over websocket', 'over websocket']);
  });

  it('sends batches and selector-chosen queues; the pull consumer reads them back in order', async () => {
    const sender = await producer({ groupName: 'sdk_batch_pg' });
    const batch = Array.from({ length: 10 }, (_, i) => new Message('SdkBatch', 'TagB', [`b-${i}`], `batch-${i}`));
    const batchResult = await sender.send(batch);
    expect(batchResult.sendStatus).toBe('SEND_OK');
    expect(batchResult.msgId.split(',')).toHaveLength(10);
    for (let i = 0; i < 5; i++) {
      const result = await sender.send(new Message('SdkBatch', 'TagO', `ordered-${i}`),
        (queues, _message, orderId: number) => queues[orderId % queues.length]!, 2);
      expect(result.messageQueue.queueId).toBe(2);
    }
    const puller = new LitePullConsumer({
      groupName: 'sdk_lite', namesrvAddr: cluster.namesrvAddress, logDir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      autoCommit: false,
    });
    await puller.start();
    closers.push(() => puller.shutdown());
    puller.assign(await puller.fetchMessageQueues('SdkBatch'));
    const bodies: string[] = [];
    const ordered: string[] = [];
    const deadline = Date.now() + 15_000;
    while (bodies.length < 15 && Date.now() < deadline) {
      for (const m of await puller.poll(500)) {
        bodies.push(m.body.toString());
        if (m.tags === 'TagO') ordered.push(`${m.queueId}:${m.body.toString()}`);
        if (m.tags === 'TagB') expect(m.keys).toBe(`b-${m.body.toString().slice(6)}`);
      }
    }
    expect(bodies.filter((b) => b.startsWith('batch-')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `batch-${i}`).sort());
    expect(ordered).toEqual(Array.from({ length: 5 }, (_, i) => `2:ordered-${i}`));
    await puller.commitSync();
  });
});
