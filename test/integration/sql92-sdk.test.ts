// Proves the SDK's SQL92 selection end to end against real bin/mqnamesrv + bin/mqbroker
// processes, importing from 'petrel': the tutorial's producer sets user property a = 0..9 and a
// PushConsumer subscribed with MessageSelector.bySql('a between 0 and 3') receives exactly the
// messages with a in {0,1,2,3}, each once (a tag selector on the same topic still gets all ten).
// A consumer whose expression the broker cannot compile fails start() with the broker's
// SUBSCRIPTION_PARSE_FAILED verdict (CHECK_CLIENT_CONFIG), and against a broker running without
// enablePropertyFilter start() fails with SYSTEM_ERROR naming SQL92.
import { join } from 'node:path';
import { Message, MessageSelector, type MessageExt, MQResponseError, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: ['--enablePropertyFilter=true'] });
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, 'SqlFilterTopic');
  admin.close();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

function consumer(target: Cluster, group: string, topic: string, selector: MessageSelector, sink: MessageExt[] = []): PushConsumer {
  const created = new PushConsumer({
    groupName: group, namesrvAddr: target.namesrvAddress, logDir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  created.subscribe(topic, selector);
  created.registerMessageListener((messages) => {
    sink.push(...messages);
    return 'CONSUME_SUCCESS';
  });
  closers.push(() => created.shutdown());
  return created;
}

describe('MessageSelector.bySql', () => {
  it('delivers exactly the messages with a between 0 and 3', async () => {
    const selected: MessageExt[] = [];
    const everything: MessageExt[] = [];
    await consumer(cluster, 'sql_between_cg', 'SqlFilterTopic', MessageSelector.bySql('a between 0 and 3'), selected).start();
    await consumer(cluster, 'sql_all_cg', 'SqlFilterTopic', MessageSelector.byTag('*'), everything).start();
    const producer = new Producer({ groupName: 'sql_pg', namesrvAddr: cluster.namesrvAddress, logDir });
    await producer.start();
    closers.push(() => producer.shutdown());
    for (let a = 0; a < 10; a++) {
      const message = new Message('SqlFilterTopic', 'TagA', `Hello RocketMQ ${a}`);
      message.putUserProperty('a', String(a));
      await producer.send(message);
    }
    expect(await waitFor(() => everything.length >= 10, 15_000)).toBe(true);
    expect(await waitFor(() => selected.length >= 4, 15_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(selected.map((m) => Number(m.getUserProperty('a'))).sort()).toEqual([0, 1, 2, 3]);
    expect(everything).toHaveLength(10);
  });

  it('fails start with the broker\'s verdict when the expression does not compile', async () => {
    const bad = consumer(cluster, 'sql_bad_cg', 'SqlFilterTopic', MessageSelector.bySql('a between 0 and'));
    const failure = await bad.start().then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(MQResponseError);
    expect((failure as MQResponseError).responseCode).toBe(23);
    expect((failure as MQResponseError).message).toContain('a between 0 and');
  });

  it('fails start when the broker does not filter by properties', async () => {
    const plain = await startCluster();
    closers.push(() => plain.stop());
    const admin = new RemotingClient();
    await createTopic(plain, admin, 'SqlFilterTopic');
    admin.close();
    const refused = consumer(plain, 'sql_off_cg', 'SqlFilterTopic', MessageSelector.bySql('a > 1'));
    const failure = await refused.start().then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(MQResponseError);
    expect((failure as MQResponseError).responseCode).toBe(1);
    expect((failure as MQResponseError).remark).toContain('SQL92');
  });

  it('refuses a blank SQL expression locally', () => {
    expect(() => MessageSelector.bySql('  ')).toThrow(TypeError);
  });
});
