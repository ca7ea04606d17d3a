// Proves that an orderly queue changes owner only after the old owner's broker lock expired when
// the old owner could not release it: the orderly-consumer example runs as a child process
// against real bin/mqnamesrv + bin/mqbroker processes (rebalanceLockMaxLiveTime 4 s), locks the
// topic's queues during start, and is SIGKILLed; an in-process orderly consumer of the same group
// then gets the queues allocated at once (the dead client's channel is gone) but the broker
// refuses the locks, so it consumes nothing until 4 s after the child started (a lower bound
// from the test's own clock: the child took its locks after that moment), and then consumes every
// message sent meanwhile, in order per queue.
import { join } from 'node:path';
import { Message, MessageListenerOrderly, Producer, PushConsumer, selectMessageQueueByHash } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { spawnPetrel, stopAllPetrel } from '../helpers/process.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const LOCK_MAX_LIVE_MS = 4000;
const TOPIC = 'OrderedExpiry';
const GROUP = 'ordered_expiry_cg';

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: [`--rebalanceLockMaxLiveTime=${LOCK_MAX_LIVE_MS}`] });
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, TOPIC, 2);
  admin.close();
});

afterAll(async () => {
  await stopAllPetrel();
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

describe('orderly queue handover when the owner dies', () => {
  it('waits for the dead owner\'s locks to expire, then consumes everything in order', async () => {
    const spawnedAtMs = Date.now();
    const child = await spawnPetrel('dist/examples/orderly-consumer.js', [], {
      env: { NAMESRV_ADDR: cluster.namesrvAddress, HOME: join(cluster.dir, 'home'), TOPIC, GROUP },
      readyPattern: /Consumer Started/,
    });
    await child.kill9();

    const consumed: Array<{ atMs: number; queueId: number; sequence: number }> = [];
    const consumer = new PushConsumer({
      groupName: GROUP, namesrvAddr: cluster.namesrvAddress, logDir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      lockRetryMs: 200,
    });
    consumer.subscribe(TOPIC, '*');
    consumer.registerMessageListener(new MessageListenerOrderly((messages) => {
      for (const message of messages) {
        consumed.push({ atMs: Date.now(), queueId: message.queueId, sequence: Number(message.body.toString()) });
      }
      return 'SUCCESS';
    }));
    await consumer.start();
    closers.push(() => consumer.shutdown());
    const producer = new Producer({ groupName: 'ordered_expiry_pg', namesrvAddr: cluster.namesrvAddress, logDir });
    await producer.start();
    closers.push(() => producer.shutdown());
    for (let sequence = 0; sequence < 20; sequence++) {
      await producer.send(new Message(TOPIC, 'TagA', String(sequence)), selectMessageQueueByHash, sequence % 2);
    }

    expect(await waitFor(() => consumed.length >= 20, 20_000), `consumed ${consumed.length}`).toBe(true);
    expect(consumer.ownedQueues().filter((queue) => queue.topic === TOPIC)).toHaveLength(2);
    const firstMs = Math.min(...consumed.map((c) => c.atMs));
    expect(firstMs - spawnedAtMs).toBeGreaterThanOrEqual(LOCK_MAX_LIVE_MS);
    for (const queueId of [0, 1]) {
      const sequences = consumed.filter((c) => c.queueId === queueId).map((c) => c.sequence);
      expect(sequences).toEqual(Array.from({ length: 10 }, (_, i) => 2 * i + queueId));
    }
  }, 40_000);
});
