// Proves PushConsumer.suspend()/resume() and LitePullConsumer.pause(queues)/resume(queues)
// against real bin/mqnamesrv + bin/mqbroker processes (compiled dist/). A consumer is started and
// shown to be live (a first message arrives), then suspended; N messages are sent and each
// send's SEND_OK says the broker stored it. While suspended, at most the pulls already sent
// (one per queue, each of at most pullBatchSize messages) may deliver: after letting those
// land, fewer than N arrived, no more than queues x pullBatchSize, and the count no longer
// moves. After resume every message arrives exactly once. Without the suspension all N would
// arrive at once, so both checks fail.
import { join } from 'node:path';
import { LitePullConsumer, Message, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const QUEUES = 4;
const PULL_BATCH = 16;
const COUNT = 2_000;
/** Long enough for an in-flight pull's answer to reach the listener (not a timing assertion). */
const SETTLE_MS = 600;

let cluster: Cluster;
let logDir: string;
let producer: Producer;

beforeAll(async () => {
  cluster = await startCluster();
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, 'SuspendPush', QUEUES);
  await createTopic(cluster, admin, 'SuspendLite', QUEUES);
  admin.close();
  producer = new Producer({ groupName: 'suspend_pg', namesrvAddr: cluster.namesrvAddress, logDir });
  await producer.start();
});

afterAll(async () => {
  await producer?.shutdown();
  await cluster?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `count` bodies `<prefix><i>`, 64 in flight, each one stored (SEND_OK). */
async function sendAll(topic: string, prefix: string, count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const result = await producer.send(new Message(topic, `${prefix}${index}`));
      expect(result.sendStatus).toBe('SEND_OK');
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

/** Counts deliveries per body. */
class Tally {
  readonly seen = new Map<string, number>();
  total = 0;
  add(body: string): void {
    this.seen.set(body, (this.seen.get(body) ?? 0) + 1);
    this.total++;
  }
  /** Bodies `<prefix>0..count-1` each delivered exactly once. */
  exactlyOnce(prefix: string, count: number): boolean {
    for (let i = 0; i < count; i++) if (this.seen.get(`${prefix}${i}`) !== 1) return false;
    return true;
  }
}

describe('PushConsumer suspend / resume', () => {
  it('sends no new pull while suspended and delivers everything exactly once after resume', async () => {
    const tally = new Tally();
    const consumer = new PushConsumer({
      groupName: 'suspend_push_cg', namesrvAddr: cluster.namesrvAddress, logDir,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pullBatchSize: PULL_BATCH,
    });
    consumer.subscribe('SuspendPush', '*');
    consumer.registerMessageListener((messages) => {
      for (const message of messages) tally.add(message.body.toString());
      return 'CONSUME_SUCCESS';
    });
    try {
      await consumer.start();
      await sendAll('SuspendPush', 'live-', 1);
      expect(await waitFor(() => tally.total === 1, 20_000)).toBe(true);

      consumer.suspend();
      expect(consumer.isSuspended()).toBe(true);
      await sendAll('SuspendPush', 's-', COUNT);
      await sleep(SETTLE_MS);
      const whileSuspended = tally.total - 1;
      expect(whileSuspended).toBeLessThan(COUNT);
      expect(whileSuspended).toBeLessThanOrEqual(QUEUES * PULL_BATCH);
      await sleep(SETTLE_MS);
      expect(tally.total - 1).toBe(whileSuspended);

      consumer.resume();
      expect(consumer.isSuspended()).toBe(false);
      expect(await waitFor(() => tally.exactlyOnce('s-', COUNT), 20_000)).toBe(true);
      await sleep(200);
      expect(tally.total).toBe(COUNT + 1);
    } finally {
      await consumer.shutdown();
    }
  }, 60_000);
});

describe('LitePullConsumer pause / resume', () => {
  it('stops pulling paused queues and pulls them again after resume', async () => {
    const consumer = new LitePullConsumer({
      groupName: 'suspend_lite_cg', namesrvAddr: cluster.namesrvAddress, logDir,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pullBatchSize: PULL_BATCH,
    });
    consumer.subscribe('SuspendLite', '*');
    const tally = new Tally();
    const pollFor = async (ms: number): Promise<void> => {
      const endMs = Date.now() + ms;
      while (Date.now() < endMs) for (const message of await consumer.poll(50)) tally.add(message.body.toString());
    };
    try {
      await consumer.start();
      await sendAll('SuspendLite', 'live-', 1);
      const deadline = Date.now() + 20_000;
      while (tally.total === 0 && Date.now() < deadline) await pollFor(100);
      expect(tally.total).toBe(1);

      const queues = await consumer.fetchMessageQueues('SuspendLite');
      expect(queues).toHaveLength(QUEUES);
      consumer.pause(queues);
      expect(queues.every((queue) => consumer.isPaused(queue))).toBe(true);
      await sendAll('SuspendLite', 's-', COUNT);
      await pollFor(SETTLE_MS);
      const whilePaused = tally.total - 1;
      expect(whilePaused).toBeLessThanOrEqual(QUEUES * PULL_BATCH);
      await pollFor(SETTLE_MS);
      expect(tally.total - 1).toBe(whilePaused);

      consumer.resume(queues);
      const end = Date.now() + 20_000;
      while (!tally.exactlyOnce('s-', COUNT) && Date.now() < end) await pollFor(100);
      expect(tally.exactlyOnce('s-', COUNT)).toBe(true);
      await pollFor(200);
      expect(tally.total).toBe(COUNT + 1);
    } finally {
      await consumer.shutdown();
    }
  }, 60_000);
});
