// Proves SDK <-> ali-ons interoperability through real bin/mqnamesrv + bin/mqbroker processes:
// messages sent by the Petrel SDK are consumed by ali-ons 3.12 (an unchanged RocketMQ client
// from npm), and messages sent by ali-ons are consumed by the SDK, with tags, keys, user
// properties and body intact both ways, including a >4 KiB body that the sender compresses
// (zlib, sysFlag bit 0) and the receiver inflates.
import { join } from 'node:path';
import { Message, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ons, quietOnsLogger } from '../helpers/ali-ons.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const quiet = quietOnsLogger;
const BIG_BODY = Buffer.from('petrel interop '.repeat(600));

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster();
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  for (const topic of ['InteropToOns', 'InteropFromOns']) await createTopic(cluster, admin, topic);
  admin.close();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

interface Seen {
  tags: string | undefined;
  keys: string | undefined;
  color: string | undefined;
  body: Buffer;
}

describe('SDK <-> ali-ons', () => {
  it('ali-ons consumes what the SDK sends', async () => {
    const seen = new Map<string, Seen>();
    const consumer = new ons.Consumer({
      nameSrv: cluster.namesrvAddress, httpclient: {}, consumerGroup: 'interop_ons_cg', instanceName: 'interop-ons',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', logger: quiet, rebalanceInterval: 2000,
    });
    consumer.on('error', () => undefined);
    closers.push(() => consumer.close());
    consumer.subscribe('InteropToOns', '*', async (message) => {
      seen.set(message.properties['seq'] ?? '', {
        tags: message.tags, keys: message.keys, color: message.properties['color'], body: message.body,
      });
    });
    await consumer.ready();

    const producer = new Producer({ groupName: 'interop_sdk_pg', namesrvAddr: cluster.namesrvAddress, logDir });
    await producer.start();
    closers.push(() => producer.shutdown());
    for (let i = 0; i < 20; i++) {
      const message = new Message('InteropToOns', `Tag${i % 3}`, [`key-${i}`, `alt-${i}`], i === 0 ? BIG_BODY : `sdk body ${i}`);
      message.putUserProperty('color', i % 2 === 0 ? 'red' : 'blue').putUserProperty('seq', String(i));
      expect((await producer.send(message)).sendStatus).toBe('SEND_OK');
    }
    expect(await waitFor(() => seen.size >= 20, 25_000)).toBe(true);
    for (let i = 0; i < 20; i++) {
      const message = seen.get(String(i));
      expect(message?.tags).toBe(`Tag${i % 3}`);
      expect(message?.keys).toBe(`key-${i} alt-${i}`);
      expect(message?.color).toBe(i % 2 === 0 ? 'red' : 'blue');
      expect(message?.body.equals(i === 0 ? BIG_BODY : Buffer.from(`sdk body ${i}`))).toBe(true);
    }
  });

  it('the SDK consumes what ali-ons sends', async () => {
    const seen = new Map<string, Seen>();
    const consumer = new PushConsumer({
      groupName: 'interop_sdk_cg', namesrvAddr: cluster.namesrvAddress, logDir,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumer.subscribe('InteropFromOns', 'Tag0 || Tag1 || Tag2');
    consumer.registerMessageListener(async (messages) => {
      for (const m of messages) {
        seen.set(m.getUserProperty('seq') ?? '', { tags: m.tags, keys: m.keys, color: m.getUserProperty('color'), body: m.body });
      }
      return 'CONSUME_SUCCESS' as const;
    });
    await consumer.start();
    closers.push(() => consumer.shutdown());

    const producer = new ons.Producer({
      nameSrv: cluster.namesrvAddress, httpclient: {}, producerGroup: 'interop_ons_pg', instanceName: 'interop-ons-pg', logger: quiet,
    });
    closers.push(() => producer.close());
    await producer.ready();
    for (let i = 0; i < 20; i++) {
      const message = new ons.Message('InteropFromOns', `Tag${i % 3}`, i === 0 ? BIG_BODY : `ons body ${i}`);
      message.keys = [`key-${i}`, `alt-${i}`];
      message.properties['color'] = i % 2 === 0 ? 'red' : 'blue';
      message.properties['seq'] = String(i);
      expect((await producer.send(message)).sendStatus).toBe('SEND_OK');
    }
    expect(await waitFor(() => seen.size >= 20, 25_000)).toBe(true);
    for (let i = 0; i < 20; i++) {
      const message = seen.get(String(i));
      expect(message?.tags).toBe(`Tag${i % 3}`);
      expect(message?.keys).toBe(`key-${i} alt-${i}`);
      expect(message?.color).toBe(i % 2 === 0 ? 'red' : 'blue');
      expect(message?.body.equals(i === 0 ? BIG_BODY : Buffer.from(`ons body ${i}`))).toBe(true);
    }
  });
});
