// Proves a real, unchanged RocketMQ client (ali-ons 3.12 from npm) works against bin/mqnamesrv +
// bin/mqbroker as real processes on loopback: tagged, keyed messages all reach a push consumer
// (and an unsubscribed tag does not); a message whose handler throws comes back from %RETRY%<group>
// with RETRY_TOPIC set; two consumers of one group split the queues and see each message once;
// after kill -9 and a restart a new group reads everything sent before the kill and the old
// group resumes from its committed offset. Delay levels are shortened so retries arrive in ~1 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OnsConsumer, type OnsMessage, type OnsProducer, ons, quietOnsLogger } from '../helpers/ali-ons.js';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const quiet = quietOnsLogger;
const FAST_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

let cluster: Cluster;
let admin: RemotingClient;
/** Deliveries of RetryTopic to G1's consumer (created in the first test): the first one throws. */
const retryDeliveries: OnsMessage[] = [];
const closers: Array<() => Promise<void>> = [];

function producer(group: string): OnsProducer {
  const created = new ons.Producer({ nameSrv: cluster.namesrvAddress, httpclient: {}, producerGroup: group,
    instanceName: group, logger: quiet });
  closers.push(() => created.close());
  return created;
}

function consumer(group: string, instanceName: string, extra: Record<string, unknown> = {}): OnsConsumer {
  const created = new ons.Consumer({ nameSrv: cluster.namesrvAddress, httpclient: {}, consumerGroup: group,
    instanceName, logger: quiet, rebalanceInterval: 2000, ...extra });
  created.on('error', () => {});
  closers.push(() => created.close());
  return created;
}

async function sendAll(sender: OnsProducer, topic: string, count: number, tag: (i: number) => string, prefix: string): Promise<void> {
  await sender.ready();
  for (let i = 0; i < count; i++) {
    const message = new ons.Message(topic, tag(i), `${prefix}-${i}`);
    message.keys = [`${prefix}-key-${i}`];
    const result = await sender.send(message);
    expect(result.sendStatus).toBe('SEND_OK');
  }
}

beforeAll(async () => {
  cluster = await startCluster({
    brokerArgs: [`--messageDelayLevel=${FAST_DELAY_LEVELS}`, '--flushConsumerOffsetInterval=500'],
  });
  admin = new RemotingClient();
  for (const topic of ['TopicTest', 'RetryTopic', 'SplitTopic', 'CrashTopic']) await createTopic(cluster, admin, topic);
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close().catch(() => {});
  admin?.close();
  await cluster?.stop();
});

describe('ali-ons 3.12 against bin/mqbroker', () => {
  it('delivers 1,000 tagged, keyed messages to a push consumer in G1 and filters the tag it did not subscribe', async () => {
    const sender = producer('PG1');
    await sendAll(sender, 'TopicTest', 1000, (i) => (i % 2 === 0 ? 'TagA' : 'TagB'), 'round');
    await sendAll(sender, 'TopicTest', 20, () => 'TagC', 'other');
    const seen = new Map<string, OnsMessage>();
    const receiver = consumer('G1', 'g1');
    receiver.subscribe('TopicTest', 'TagA || TagB', async (message) => {
      seen.set(message.body.toString(), message);
    });
    receiver.subscribe('RetryTopic', '*', async (message) => {
      retryDeliveries.push(message);
      if (retryDeliveries.length === 1) throw new Error('fail the first delivery');
    });
    await receiver.ready();
    expect(await waitFor(() => seen.size >= 1000, 25_000)).toBe(true);
    for (let i = 0; i < 1000; i++) {
      const message = seen.get(`round-${i}`);
      expect(message?.tags).toBe(i % 2 === 0 ? 'TagA' : 'TagB');
      expect(message?.keys).toBe(`round-key-${i}`);
    }
    expect([...seen.keys()].filter((body) => body.startsWith('other'))).toEqual([]);
  });

  it('brings a message whose handler throws back from %RETRY%G1 with RETRY_TOPIC set', async () => {
    await sendAll(producer('PG2'), 'RetryTopic', 1, () => 'TagR', 'retry');
    expect(await waitFor(() => retryDeliveries.length >= 2, 25_000)).toBe(true);
    const [first, again] = retryDeliveries;
    expect(again?.body.toString()).toBe(first?.body.toString());
    const retryQueue = await admin.invoke(cluster.brokerAddress,
      createRequest(RequestCode.GET_MAX_OFFSET, { topic: '%RETRY%G1', queueId: '0' }), 5000);
    expect(Number(retryQueue.extFields?.['offset'])).toBeGreaterThan(0);
    expect(again?.properties['RETRY_TOPIC']).toBe('RetryTopic');
    expect(again?.reconsumeTimes).toBe(1);
  });

  it('splits the queues between two consumers of one group, each message seen once', async () => {
    const seenBy = new Map<string, string[]>();
    const record = (who: string) => async (message: OnsMessage): Promise<void> => {
      const body = message.body.toString();
      seenBy.set(body, [...(seenBy.get(body) ?? []), who]);
    };
    const first = consumer('G3', 'g3-a');
    first.subscribe('SplitTopic', '*', record('a'));
    const second = consumer('G3', 'g3-b');
    second.subscribe('SplitTopic', '*', record('b'));
    await Promise.all([first.ready(), second.ready()]);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await sendAll(producer('PG3'), 'SplitTopic', 200, () => 'TagS', 'split');
    expect(await waitFor(() => seenBy.size >= 200, 20_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const owners = [...seenBy.values()];
    expect(owners.every((who) => who.length === 1)).toBe(true);
    expect(new Set(owners.flat())).toEqual(new Set(['a', 'b']));
  });

  it('after kill -9 and a restart, a new group reads everything and the old group resumes', async () => {
    const sender = producer('PG4');
    await sendAll(sender, 'CrashTopic', 100, () => 'TagK', 'before');
    const oldSeen = new Set<string>();
    const old = consumer('G4', 'g4-old');
    old.subscribe('CrashTopic', '*', async (message) => {
      oldSeen.add(message.body.toString());
    });
    await old.ready();
    expect(await waitFor(() => oldSeen.size >= 100, 15_000)).toBe(true);
    await old.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await cluster.kill9Broker();
    await cluster.startBroker();
    const fresh = new Set<string>();
    const newGroup = consumer('G5', 'g5', { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    newGroup.subscribe('CrashTopic', '*', async (message) => {
      fresh.add(message.body.toString());
    });
    const resumed: string[] = [];
    const again = consumer('G4', 'g4-again');
    again.subscribe('CrashTopic', '*', async (message) => {
      resumed.push(message.body.toString());
    });
    await Promise.all([newGroup.ready(), again.ready()]);
    await sendAll(producer('PG5'), 'CrashTopic', 10, () => 'TagK', 'after');
    expect(await waitFor(() => fresh.size >= 110, 20_000)).toBe(true);
    expect(await waitFor(() => resumed.length >= 10, 10_000)).toBe(true);
    expect(resumed.filter((body) => body.startsWith('before'))).toEqual([]);
  });
});
