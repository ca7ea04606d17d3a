// Proves the producer's autoBatch (RocketMQ 5's auto-batching) end to end against real
// bin/mqnamesrv + bin/mqbroker processes, through the SDK ('petrel', the built dist): 5,000
// callback sends issued in bursts settle one by one with distinct msgIds and offset msgIds, the
// queue offsets each queue handed out are exactly 0..n-1 (contiguous, no gap, no duplicate),
// and both a Petrel PushConsumer and ali-ons 3.12 (a RocketMQ client nobody here wrote) receive
// all 5,000 with body, tags, keys and user properties intact. A message with a delay level sent
// with autoBatch on still goes alone (the broker refuses a delayed batch) and is delivered no
// earlier than its level's delay. Killing the broker (SIGKILL) mid-stream leaves no send
// hanging: every one settles, successes before the kill and errors after it.
import { join } from 'node:path';
import { Message, type MessageExt, Producer, PushConsumer, type SendResult } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ons, quietOnsLogger } from '../helpers/ali-ons.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const COUNT = 5000;
const BURST = 250;
const DELAY_LEVEL_MS = 1000;

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: ['--messageDelayLevel=1s 2s 3s'] });
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  for (const topic of ['AutoBatchAll', 'AutoBatchDelay', 'AutoBatchKill']) await createTopic(cluster, admin, topic);
  admin.close();
}, 60_000);

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

async function producer(options: Record<string, unknown> = {}): Promise<Producer> {
  const created = new Producer({ groupName: 'auto_batch_pg', namesrvAddr: cluster.namesrvAddress, logDir, autoBatch: true, ...options });
  await created.start();
  closers.push(() => created.shutdown());
  return created;
}

async function pushConsumer(group: string, topic: string, onMessage: (message: MessageExt) => void): Promise<PushConsumer> {
  const created = new PushConsumer({
    groupName: group, namesrvAddr: cluster.namesrvAddress, logDir, offsetStoreDir: join(cluster.dir, 'offsets'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceIntervalMs: 1000, pullBatchSize: 256, consumeMessageBatchMaxSize: 64,
  });
  created.subscribe(topic, '*');
  created.registerMessageListener((messages) => {
    for (const message of messages) onMessage(message);
    return 'CONSUME_SUCCESS';
  });
  await created.start();
  closers.push(() => created.shutdown());
  return created;
}

interface Seen {
  body: string;
  tags: string | undefined;
  keys: string | undefined;
  seq: string | undefined;
}

const expectedOf = (i: number): Seen => ({ body: `auto body ${i}`, tags: `Tag${i % 5}`, keys: `key-${i} alt-${i}`, seq: String(i) });

/** Sends COUNT messages with callbacks, BURST per event-loop turn; resolves with every outcome. */
async function sendAll(sender: Producer): Promise<Array<SendResult | Error>> {
  const outcomes: Array<SendResult | Error> = [];
  let settled = 0;
  let allSettled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { allSettled = resolve; });
  const record = (i: number, outcome: SendResult | Error): void => {
    outcomes[i] = outcome;
    if (++settled === COUNT) allSettled();
  };
  for (let i = 0; i < COUNT; i++) {
    const expected = expectedOf(i);
    const message = new Message('AutoBatchAll', expected.tags as string, [`key-${i}`, `alt-${i}`], expected.body);
    message.putUserProperty('seq', String(i));
    sender.send(message, { onSuccess: (result) => record(i, result), onException: (error) => record(i, error) });
    if (i % BURST === BURST - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  return outcomes;
}

describe('producer autoBatch against a real broker', () => {
  it('5,000 callback sends: own results, contiguous offsets, every message intact for the SDK and ali-ons', async () => {
    const sdkSeen = new Map<string, Seen>();
    await pushConsumer('auto_batch_sdk_cg', 'AutoBatchAll', (m) => {
      sdkSeen.set(m.getUserProperty('seq') ?? '', { body: m.body.toString(), tags: m.tags, keys: m.keys, seq: m.getUserProperty('seq') });
    });
    const onsSeen = new Map<string, Seen>();
    const onsConsumer = new ons.Consumer({
      nameSrv: cluster.namesrvAddress, httpclient: {}, consumerGroup: 'auto_batch_ons_cg', instanceName: 'auto-batch-ons',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', logger: quietOnsLogger, rebalanceInterval: 2000,
    });
    onsConsumer.on('error', () => undefined);
    closers.push(() => onsConsumer.close());
    onsConsumer.subscribe('AutoBatchAll', '*', async (m) => {
      onsSeen.set(m.properties['seq'] ?? '', { body: m.body.toString(), tags: m.tags, keys: m.keys, seq: m.properties['seq'] });
    });
    await onsConsumer.ready();

    const outcomes = await sendAll(await producer());
    const errors = outcomes.filter((o): o is Error => o instanceof Error);
    expect(errors.map((e) => e.message)).toEqual([]);
    const results = outcomes as SendResult[];
    expect(results.every((r) => r.sendStatus === 'SEND_OK')).toBe(true);
    expect(new Set(results.map((r) => r.msgId)).size).toBe(COUNT);
    expect(new Set(results.map((r) => r.offsetMsgId)).size).toBe(COUNT);
    const offsetsByQueue = new Map<number, number[]>();
    for (const r of results) offsetsByQueue.set(r.messageQueue.queueId, [...(offsetsByQueue.get(r.messageQueue.queueId) ?? []), r.queueOffset]);
    expect(offsetsByQueue.size).toBeGreaterThan(1);
    for (const offsets of offsetsByQueue.values()) {
      expect(offsets.sort((a, b) => a - b)).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
    }

    expect(await waitFor(() => sdkSeen.size >= COUNT && onsSeen.size >= COUNT, 60_000)).toBe(true);
    for (let i = 0; i < COUNT; i++) {
      expect(sdkSeen.get(String(i))).toEqual(expectedOf(i));
      expect(onsSeen.get(String(i))).toEqual(expectedOf(i));
    }
  }, 120_000);

  it('a delayed message still goes alone and is not delivered before its delay', async () => {
    const received: Array<{ body: string; atMs: number }> = [];
    await pushConsumer('auto_batch_delay_cg', 'AutoBatchDelay', (m) => received.push({ body: m.body.toString(), atMs: Date.now() }));
    const sender = await producer();
    const plain = Array.from({ length: 20 }, (_, i) => sender.send(new Message('AutoBatchDelay', 'T', `plain ${i}`)));
    const delayed = new Message('AutoBatchDelay', 'T', 'delayed');
    delayed.delayTimeLevel = 1;
    const sentAtMs = Date.now();
    const result = await sender.send(delayed);
    await Promise.all(plain);
    expect(result.sendStatus).toBe('SEND_OK');
    expect(await waitFor(() => received.some((r) => r.body === 'delayed'), 20_000)).toBe(true);
    const arrival = received.find((r) => r.body === 'delayed') as { atMs: number };
    expect(arrival.atMs).toBeGreaterThanOrEqual(sentAtMs + DELAY_LEVEL_MS);
    expect(await waitFor(() => received.length >= 21, 10_000)).toBe(true);
  }, 60_000);

  it('every send settles when the broker is killed mid-stream', async () => {
    const sender = await producer({ sendMsgTimeout: 2000, retryTimesWhenSendFailed: 1, retryTimesWhenSendAsyncFailed: 1 });
    await sender.send(new Message('AutoBatchKill', 'T', 'warm'));
    // Each outcome is taken as it settles (a rejection left unobserved until the end would be an
    // unhandled rejection by then).
    const sends: Array<Promise<SendResult | Error>> = [];
    const stopAtMs = Date.now() + 1500;
    let killed = false;
    let sentBeforeKill = 0;
    while (Date.now() < stopAtMs) {
      for (let i = 0; i < 100; i++) {
        sends.push(sender.send(new Message('AutoBatchKill', 'T', `m ${sends.length}`)).catch((error: unknown) => error as Error));
      }
      if (!killed && Date.now() > stopAtMs - 1000) {
        killed = true;
        sentBeforeKill = sends.length;
        void cluster.kill9Broker();
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await Promise.all(sends);
    expect(outcomes).toHaveLength(sends.length);
    expect(sentBeforeKill).toBeGreaterThan(0);
    const failures = outcomes.filter((o): o is Error => o instanceof Error);
    expect(outcomes.length - failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(typeof (failure as { code?: unknown }).code).toBe('string');
  }, 60_000);
});
