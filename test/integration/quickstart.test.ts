// Proves the RocketMQ quickstart works as the README says: with NAMESRV_ADDR exported and real
// bin/mqnamesrv + bin/mqbroker processes (topic not created beforehand: the broker auto-creates
// it from TBW102), `bin/tools org.apache.rocketmq.example.quickstart.Producer` sends 1,000
// `Hello RocketMQ <i>` messages printing a SEND_OK SendResult for each, and
// `bin/tools org.apache.rocketmq.example.quickstart.Consumer` prints `Consumer Started.` and
// receives all 1,000 (every producer msgId appears in its output), then stops on SIGTERM.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPetrel, stopAllPetrel, waitFor } from '../helpers/process.js';
import { type Cluster, startCluster } from './broker-data-cluster.js';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await stopAllPetrel();
  await cluster?.stop();
});

function msgIds(output: string): Set<string> {
  return new Set([...output.matchAll(/msgId=([0-9A-F]{32})/g)].map((match) => match[1] as string));
}

describe('quickstart', () => {
  it('the producer sends 1,000 messages and the consumer receives all of them', async () => {
    const env = { NAMESRV_ADDR: cluster.namesrvAddress };
    const logDir = `--logDir=${join(cluster.dir, 'client-logs')}`;
    const producer = await spawnPetrel('bin/tools', ['org.apache.rocketmq.example.quickstart.Producer', logDir], { env });
    expect(await producer.exited).toBe(0);
    const sendLines = producer.stdout().split('\n').filter((line) => line.startsWith('SendResult [sendStatus=SEND_OK'));
    expect(sendLines).toHaveLength(1000);
    expect(sendLines[0]).toMatch(/messageQueue=MessageQueue \[topic=TopicTest, brokerName=broker-a, queueId=\d\], queueOffset=\d+\]$/);
    const sent = msgIds(producer.stdout());
    expect(sent.size).toBe(1000);

    const consumer = await spawnPetrel('bin/tools', ['quickstart-consumer', logDir], {
      env, readyPattern: /Consumer Started\./,
    });
    await waitFor(() => [...sent].every((id) => consumer.stdout().includes(`msgId=${id}`)), 'all 1,000 messages consumed', 30_000);
    expect(consumer.stdout()).toMatch(/ConsumeMessageThread_\d+ Receive New Messages: \[MessageExt \[brokerName=broker-a/);
    const received = msgIds(consumer.stdout());
    for (const id of sent) expect(received.has(id)).toBe(true);
    expect(await consumer.stop()).toBe(0);
  });
});
