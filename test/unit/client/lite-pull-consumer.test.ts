// Proves the LitePullConsumer against the in-process fake NameServer + broker: `assign` + `poll`
// returns every message of the assigned queues in order, `commitSync` stores the consumed
// position on the broker, `seek` rewinds a queue so its messages are polled again, and
// `subscribe` mode receives through rebalancing. Also checks the client writes its log to
// <logDir>/rocketmq_client.log and that shutdown unregisters from the broker.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LitePullConsumer, Message, type MessageExt, Producer } from '../../../src/client/index.js';
import { flushLogs } from '../../../src/common/log.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { startFakeCluster } from '../../helpers/fake-broker.js';

const dir = mkdtempSync(join(tmpdir(), 'petrel-lite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pollUntil(consumer: LitePullConsumer, count: number): Promise<MessageExt[]> {
  const got: MessageExt[] = [];
  const deadline = Date.now() + 10_000;
  while (got.length < count && Date.now() < deadline) got.push(...await consumer.poll(200));
  return got;
}

describe('LitePullConsumer', () => {
  let cluster: Awaited<ReturnType<typeof startFakeCluster>>;
  let producer: Producer;
  let consumer: LitePullConsumer | undefined;

  beforeEach(async () => {
    cluster = await startFakeCluster(1);
    cluster.brokers[0]!.createTopic('PullTopic', 2);
    producer = new Producer({ groupName: 'pg', namesrvAddr: cluster.namesrv.address, logDir: dir });
    await producer.start();
    for (let i = 0; i < 10; i++) await producer.send(new Message('PullTopic', 'T', `p${i}`), (queues) => queues[0]!, null);
  });
  afterEach(async () => {
    await consumer?.shutdown();
    await producer.shutdown();
    await cluster.close();
  });

  it('assigns, polls, commits and seeks', async () => {
    consumer = new LitePullConsumer({
      groupName: 'lite', namesrvAddr: cluster.namesrv.address, logDir: dir, autoCommit: false,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    await consumer.start();
    const queues = await consumer.fetchMessageQueues('PullTopic');
    expect(queues).toHaveLength(2);
    consumer.assign(queues);
    const first = await pollUntil(consumer, 10);
    expect(first.map((m) => m.body.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`));
    await consumer.commitSync();
    expect(cluster.brokers[0]!.offsets.get('lite@PullTopic#0')).toBe(10);
    expect(await consumer.committed(queues[0]!)).toBe(10);
    consumer.seek(queues[0]!, 7);
    const again = await pollUntil(consumer, 3);
    expect(again.map((m) => m.queueOffset)).toEqual([7, 8, 9]);
  });

  it('subscribes through rebalancing', async () => {
    consumer = new LitePullConsumer({
      groupName: 'lite_sub', namesrvAddr: cluster.namesrv.address, logDir: dir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumer.subscribe('PullTopic', 'T');
    await consumer.start();
    expect((await pollUntil(consumer, 10)).length).toBe(10);
  });

  it('logs to rocketmq_client.log and unregisters on shutdown', async () => {
    const logDir = join(dir, 'logs-check');
    consumer = new LitePullConsumer({ groupName: 'lite_log', namesrvAddr: cluster.namesrv.address, logDir });
    consumer.subscribe('PullTopic');
    await consumer.start();
    await consumer.shutdown();
    consumer = undefined;
    // The log file is opened asynchronously: on a loaded machine it may appear a little later.
    for (let waitedMs = 0; waitedMs < 5000 && !existsSync(join(logDir, 'rocketmq_client.log')); waitedMs += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    flushLogs();
    expect(existsSync(join(logDir, 'rocketmq_client.log'))).toBe(true);
    expect(cluster.brokers[0]!.count(RequestCode.UNREGISTER_CLIENT)).toBeGreaterThanOrEqual(1);
  });
});
