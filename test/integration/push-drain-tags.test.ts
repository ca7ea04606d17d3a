// Proves the push consumer's drain path (lazy record decode, client-side tag re-check, next pull
// sent before the listener runs, batch bookkeeping) against real bin/mqnamesrv + bin/mqbroker
// processes: a 20,000-message backlog with mixed tags (TagA / TagB / TagC, random order) over
// 4 queues is drained by a PushConsumer subscribed to 'TagA || TagC' with large pulls (512) and
// batches (64): every TagA and TagC message arrives exactly once with its own body, tag, topic
// and queue offset, no TagB message arrives, and after shutdown the group's committed offsets
// are at the end of every queue (a new consumer of the group receives nothing).
import { join } from 'node:path';
import { Message, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const TOPIC = 'DrainTags';
const COUNT = 20_000;
const TAGS = ['TagA', 'TagB', 'TagC'] as const;

let cluster: Cluster;
let logDir: string;

beforeAll(async () => {
  cluster = await startCluster();
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, TOPIC);
  admin.close();
});

afterAll(async () => {
  await cluster?.stop();
});

/** Sends COUNT messages with random tags, 512 in flight; returns the tag of each index. */
async function fill(): Promise<string[]> {
  const producer = new Producer({ groupName: 'drain_tags_pg', namesrvAddr: cluster.namesrvAddress, logDir });
  await producer.start();
  const tags = Array.from({ length: COUNT }, () => TAGS[Math.floor(Math.random() * TAGS.length)] as string);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < COUNT) {
      const index = next++;
      const result = await producer.send(new Message(TOPIC, tags[index] as string, `m-${index}`));
      expect(result.sendStatus).toBe('SEND_OK');
    }
  };
  await Promise.all(Array.from({ length: 512 }, worker));
  await producer.shutdown();
  return tags;
}

function pushConsumer(onMessage: (body: string, tags: string | undefined, topic: string, queueOffset: number, queueId: number) => void): PushConsumer {
  const consumer = new PushConsumer({
    groupName: 'drain_tags_cg', namesrvAddr: cluster.namesrvAddress, logDir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    pullBatchSize: 512, consumeMessageBatchMaxSize: 64, consumeThreadMax: 8, pullThresholdForQueue: 4096,
  });
  consumer.subscribe(TOPIC, 'TagA || TagC');
  consumer.registerMessageListener((messages) => {
    for (const m of messages) onMessage(m.body.toString(), m.tags, m.topic, m.queueOffset, m.queueId);
    return 'CONSUME_SUCCESS';
  });
  return consumer;
}

describe('push consumer drains a tagged backlog', () => {
  it('delivers every subscribed message exactly once and commits to the end', async () => {
    const tags = await fill();
    const wanted = new Set<number>();
    tags.forEach((tag, index) => { if (tag !== 'TagB') wanted.add(index); });
    const seen = new Map<number, number>();
    const positions = new Set<string>();
    const wrong: string[] = [];
    const consumer = pushConsumer((body, tag, topic, queueOffset, queueId) => {
      const index = Number(body.slice(2));
      seen.set(index, (seen.get(index) ?? 0) + 1);
      positions.add(`${queueId}:${queueOffset}`);
      if (tag !== tags[index] || tag === 'TagB' || topic !== TOPIC) wrong.push(`${body} ${tag} ${topic}`);
    });
    await consumer.start();
    expect(await waitFor(() => seen.size >= wanted.size, 25_000)).toBe(true);
    // Let anything redelivered or unwanted show up before judging.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await consumer.shutdown();
    expect(wrong).toEqual([]);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...wanted].sort((a, b) => a - b));
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect(positions.size).toBe(wanted.size);

    let late = 0;
    const again = pushConsumer(() => { late++; });
    await again.start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await again.shutdown();
    expect(late).toBe(0);
  }, 60_000);
});
