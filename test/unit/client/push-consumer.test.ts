// Proves the PushConsumer against the in-process fake NameServer + broker over loopback TCP:
// two clustering consumers split the queues (each message consumed exactly once, disjoint
// queue sets, via GET_CONSUMER_LIST_BY_GROUP + NOTIFY-triggered rebalance); broadcasting
// consumers each get every message; tag subscriptions filter; RECONSUME_LATER sends the message
// back and it is redelivered from %RETRY% with its original topic; shutdown commits offsets;
// RESET_CONSUMER_CLIENT_OFFSET from the broker restarts the queues at the given offsets; when
// the send-back RPC fails, the client re-publishes the message to %RETRY% itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConsumeConcurrentlyStatus, type MessageExt, Message, Producer, PushConsumer, type PushConsumerOptions,
} from '../../../src/client/index.js';
import { defaultLocalOffsetPath } from '../../../src/client/offset-store.js';
import { startFakeCluster } from '../../helpers/fake-broker.js';

const dir = mkdtempSync(join(tmpdir(), 'petrel-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

describe('PushConsumer', () => {
  let cluster: Awaited<ReturnType<typeof startFakeCluster>>;
  let producer: Producer;
  const consumers: PushConsumer[] = [];

  beforeEach(async () => {
    cluster = await startFakeCluster(1);
    cluster.brokers[0]!.createTopic('TopicTest', 4);
    producer = new Producer({ groupName: 'pg', namesrvAddr: cluster.namesrv.address, logDir: dir });
    await producer.start();
  });
  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.shutdown();
    await producer.shutdown();
    await cluster.close();
  });

  function consumer(options: Partial<PushConsumerOptions>, sink: MessageExt[], expression = '*'): PushConsumer {
    const created = new PushConsumer({
      groupName: 'cg', namesrvAddr: cluster.namesrv.address, logDir: dir, offsetStoreDir: dir,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceIntervalMs: 200, ...options,
    });
    created.subscribe('TopicTest', expression);
    created.registerMessageListener(async (messages) => {
      sink.push(...messages);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    consumers.push(created);
    return created;
  }

  async function sendAll(count: number, tag = 'TagA'): Promise<void> {
    for (let i = 0; i < count; i++) await producer.send(new Message('TopicTest', tag, `m${i}`));
  }

  it('splits queues between two clustering consumers, each message once', async () => {
    const a: MessageExt[] = [];
    const b: MessageExt[] = [];
    const first = consumer({}, a);
    const second = consumer({}, b);
    await first.start();
    await second.start();
    await until(() => first.ownedQueues().filter((q) => q.topic === 'TopicTest').length === 2
      && second.ownedQueues().filter((q) => q.topic === 'TopicTest').length === 2);
    await sendAll(40);
    await until(() => a.length + b.length >= 40);
    await new Promise((r) => setTimeout(r, 300));
    const bodies = [...a, ...b].map((m) => m.body.toString()).sort();
    expect(bodies).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    const queuesA = new Set(a.map((m) => m.queueId));
    expect(b.every((m) => !queuesA.has(m.queueId))).toBe(true);
  });

  it('broadcasts every message to every consumer', async () => {
    const a: MessageExt[] = [];
    const b: MessageExt[] = [];
    const one = consumer({ messageModel: 'BROADCASTING', instanceName: 'one' }, a);
    await one.start();
    await consumer({ messageModel: 'BROADCASTING', instanceName: 'two' }, b).start();
    await sendAll(12);
    await until(() => a.length >= 12 && b.length >= 12);
    expect(a.map((m) => m.body.toString()).sort()).toEqual(b.map((m) => m.body.toString()).sort());
    // Broadcasting progress lives in a local file, written on shutdown; the broker gets none.
    await one.shutdown();
    const file = readFileSync(defaultLocalOffsetPath(one.clientId, 'cg', dir), 'utf8');
    const committed = [...file.matchAll(/"topic":"TopicTest"\}:(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(committed).toBe(12);
    expect([...cluster.brokers[0]!.offsets.keys()].some((key) => key.startsWith('cg@TopicTest'))).toBe(false);
  });

  it('filters by tag expression', async () => {
    const got: MessageExt[] = [];
    await consumer({}, got, 'TagA || TagC').start();
    await sendAll(3, 'TagA');
    await sendAll(3, 'TagB');
    await sendAll(3, 'TagC');
    await until(() => got.length >= 6);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map((m) => m.tags).sort()).toEqual(['TagA', 'TagA', 'TagA', 'TagC', 'TagC', 'TagC']);
    expect(got[0]!.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(got[0]!.storeTimestamp).toBeGreaterThan(0);
  });

  for (const failSendBack of [false, true]) it(`sends failures back and redelivers them with the original topic${failSendBack ? ' (re-published by the client)' : ''}`, async () => {
    cluster.brokers[0]!.failSendBack = failSendBack;
    const seen: MessageExt[] = [];
    const created = new PushConsumer({
      groupName: 'cg', namesrvAddr: cluster.namesrv.address, logDir: dir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    created.subscribe('TopicTest', '*');
    created.registerMessageListener((messages) => {
      seen.push(...messages);
      return messages[0]!.reconsumeTimes === 0 ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    consumers.push(created);
    await created.start();
    await producer.send(new Message('TopicTest', 'TagA', 'again'));
    await until(() => seen.length >= 2);
    expect(seen[1]!.topic).toBe('TopicTest');
    expect(seen[1]!.reconsumeTimes).toBe(1);
    expect(seen[1]!.body.toString()).toBe('again');
    // Redelivered from %RETRY%cg (not a local retry), by the broker or by the client's re-publish.
    const retried = cluster.brokers[0]!.stored('%RETRY%cg');
    expect(retried).toHaveLength(1);
    expect(retried[0]!.properties['RETRY_TOPIC']).toBe('TopicTest');
    if (failSendBack) expect(retried[0]!.properties['DELAY']).toBe('3');
  });

  it('commits offsets to the broker on shutdown', async () => {
    const got: MessageExt[] = [];
    const created = consumer({}, got);
    await created.start();
    await sendAll(8);
    await until(() => got.length >= 8);
    await created.shutdown();
    const committed = [...cluster.brokers[0]!.offsets.entries()]
      .filter(([key]) => key.startsWith('cg@TopicTest#')).reduce((sum, [, offset]) => sum + offset, 0);
    expect(committed).toBe(8);
  });

  it('restarts queues at the offsets a RESET_CONSUMER_CLIENT_OFFSET gives', async () => {
    const got: MessageExt[] = [];
    await consumer({}, got).start();
    await sendAll(10);
    await until(() => got.length >= 10);
    cluster.brokers[0]!.resetConsumerOffsets('cg', 'TopicTest', [[0, 0], [1, 0], [2, 0], [3, 0]]);
    await until(() => got.length >= 20);
    expect(got.slice(10).map((m) => m.body.toString()).sort()).toEqual(got.slice(0, 10).map((m) => m.body.toString()).sort());
  });
});
