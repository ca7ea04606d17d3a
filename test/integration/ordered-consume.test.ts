// Proves orderly consumption end to end against real bin/mqnamesrv + bin/mqbroker processes,
// through the SDK as users import it ('petrel'): 100 orders x 4 steps are sent across 8 queues
// with a hash selector on the order id while three MessageListenerOrderly consumers of one group
// consume them — two from the start, a third joining mid-run and the first leaving mid-run.
// Every handler invocation is recorded in one global list (the consumers share this process),
// so the test can check that each order's steps were consumed exactly once and strictly in
// order (0,1,2,3), that no queue ever had two batches in flight at once (across consumers: the
// broker lock hands a queue over only after the old owner released it), and that both the
// joiner and the leaver really took part. A second test covers SUSPEND_CURRENT_QUEUE_A_MOMENT:
// the same message comes back on the same queue, blocking the ones behind it, and after
// maxReconsumeTimes it lands in %DLQ%<group>.
import { join } from 'node:path';
import {
  type ConsumeOrderlyContext, Message, MessageListenerOrderly, type MessageExt, Producer, PushConsumer,
  selectMessageQueueByHash,
} from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';
import { pullAll } from './msgtypes-helpers.js';

const ORDERS = 100;
const STEPS = 4;
const QUEUES = 8;

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster();
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, 'OrderedSteps', QUEUES);
  await createTopic(cluster, admin, 'OrderedSuspend', 1);
  admin.close();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

interface Consumed {
  readonly consumer: string;
  readonly orderId: number;
  readonly step: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function orderlyConsumer(
  name: string, group: string, topic: string,
  handle: (messages: MessageExt[], context: ConsumeOrderlyContext) => Promise<'SUCCESS' | 'SUSPEND_CURRENT_QUEUE_A_MOMENT'>,
  options: Record<string, unknown> = {},
): Promise<PushConsumer> {
  const consumer = new PushConsumer({
    groupName: group, namesrvAddr: cluster.namesrvAddress, logDir, instanceName: name,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', lockRetryMs: 300, ...options,
  });
  consumer.subscribe(topic, '*');
  consumer.registerMessageListener(new MessageListenerOrderly(handle));
  await consumer.start();
  closers.push(() => consumer.shutdown());
  return consumer;
}

describe('orderly consumption', () => {
  it('keeps every order\'s steps in order while consumers join and leave', async () => {
    const consumed: Consumed[] = [];
    const inFlightByQueue = new Map<number, number>();
    let overlapping = 0;
    const handler = (name: string) => async (messages: MessageExt[]): Promise<'SUCCESS'> => {
      const queueId = messages[0]?.queueId ?? -1;
      const inFlight = (inFlightByQueue.get(queueId) ?? 0) + 1;
      inFlightByQueue.set(queueId, inFlight);
      if (inFlight > 1) overlapping++;
      for (const message of messages) {
        const [orderId, step] = message.body.toString().split(':').map(Number) as [number, number];
        consumed.push({ consumer: name, orderId, step });
        await sleep(20);
      }
      inFlightByQueue.set(queueId, (inFlightByQueue.get(queueId) ?? 1) - 1);
      return 'SUCCESS';
    };
    const first = await orderlyConsumer('first', 'ordered_cg', 'OrderedSteps', handler('first'));
    await orderlyConsumer('second', 'ordered_cg', 'OrderedSteps', handler('second'));
    const producer = new Producer({ groupName: 'ordered_pg', namesrvAddr: cluster.namesrvAddress, logDir });
    await producer.start();
    closers.push(() => producer.shutdown());

    const sending = (async () => {
      for (let step = 0; step < STEPS; step++) {
        for (let orderId = 0; orderId < ORDERS; orderId++) {
          const message = new Message('OrderedSteps', `Step${step}`, `ORDER_${orderId}`, `${orderId}:${step}`);
          await producer.send(message, selectMessageQueueByHash, orderId);
          if (orderId % 20 === 19) await sleep(20);
        }
      }
    })();
    const total = ORDERS * STEPS;
    expect(await waitFor(() => consumed.length >= total / 4, 20_000)).toBe(true);
    await orderlyConsumer('third', 'ordered_cg', 'OrderedSteps', handler('third'));
    expect(await waitFor(() => consumed.length >= total / 2, 20_000)).toBe(true);
    await first.shutdown();
    const firstCount = consumed.filter((c) => c.consumer === 'first').length;
    await sending;
    expect(await waitFor(() => consumed.length >= total, 30_000), `consumed ${consumed.length} of ${total}`).toBe(true);
    await sleep(500);

    const stepsByOrder = new Map<number, number[]>();
    for (const { orderId, step } of consumed) stepsByOrder.set(orderId, [...(stepsByOrder.get(orderId) ?? []), step]);
    expect(stepsByOrder.size).toBe(ORDERS);
    for (const [orderId, steps] of stepsByOrder) expect(steps, `order ${orderId}`).toEqual([0, 1, 2, 3]);
    expect(overlapping).toBe(0);
    expect(firstCount).toBeGreaterThan(0);
    expect(consumed.filter((c) => c.consumer === 'first')).toHaveLength(firstCount);
    expect(consumed.some((c) => c.consumer === 'third')).toBe(true);
  }, 60_000);

  it('retries a suspended message in place, then sends it to the DLQ after maxReconsumeTimes', async () => {
    const seen: Array<{ body: string; reconsumeTimes: number }> = [];
    await orderlyConsumer('suspender', 'ordered_suspend_cg', 'OrderedSuspend', async (messages, context) => {
      const message = messages[0] as MessageExt;
      seen.push({ body: message.body.toString(), reconsumeTimes: message.reconsumeTimes });
      context.suspendCurrentQueueTimeMillis = 50;
      return message.body.toString() === 'poison' ? 'SUSPEND_CURRENT_QUEUE_A_MOMENT' : 'SUCCESS';
    }, { maxReconsumeTimes: 2 });
    const producer = new Producer({ groupName: 'ordered_suspend_pg', namesrvAddr: cluster.namesrvAddress, logDir });
    await producer.start();
    closers.push(() => producer.shutdown());
    for (const body of ['before', 'poison', 'after']) await producer.send(new Message('OrderedSuspend', body));

    expect(await waitFor(() => seen.some((s) => s.body === 'after'), 15_000)).toBe(true);
    expect(seen).toEqual([
      { body: 'before', reconsumeTimes: 0 },
      { body: 'poison', reconsumeTimes: 0 },
      { body: 'poison', reconsumeTimes: 1 },
      { body: 'poison', reconsumeTimes: 2 },
      { body: 'after', reconsumeTimes: 0 },
    ]);
    const admin = new RemotingClient();
    try {
      const dead = await pullAll(admin, cluster, '%DLQ%ordered_suspend_cg');
      expect(dead.map((record) => record.body.toString())).toEqual(['poison']);
    } finally {
      admin.close();
    }
  }, 60_000);
});
