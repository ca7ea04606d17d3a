// Proves the Producer against an in-process fake NameServer + broker over real loopback TCP:
// sync, callback and oneway sends store records whose tags, keys, user properties, UNIQ_KEY and
// body arrive intact; batches; selector sends; large bodies compressed (sysFlag bit 0, zlib);
// invalid messages refused locally with nothing sent; a retriable failure is retried on another
// broker while a non-retriable one is not; unknown topics are created through TBW102; the route
// cache is refreshed on its interval; a late answer times its send out (ERR_REMOTING_TIMEOUT) and
// is dropped when it comes; concurrent first sends to a new topic share one route lookup; a dead broker is avoided after its first failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Message, MQResponseError, Producer, ResponseCode, SendStatus } from '../../../src/client/index.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { connectTcp } from '../../../src/remoting/tcp-connection.js';
import { startFakeCluster } from '../../helpers/fake-broker.js';

const logDir = mkdtempSync(join(tmpdir(), 'petrel-client-log-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('Producer', () => {
  let cluster: Awaited<ReturnType<typeof startFakeCluster>>;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startFakeCluster(2);
    for (const broker of cluster.brokers) broker.createTopic('TopicTest', 2);
  });
  afterAll(async () => cluster.close());
  afterEach(async () => producer?.shutdown());

  async function started(options: Record<string, unknown> = {}): Promise<Producer> {
    producer = new Producer({ groupName: 'pg', namesrvAddr: cluster.namesrv.address, logDir, ...options });
    await producer.start();
    return producer;
  }

  it('sends sync, callback and oneway with properties intact', async () => {
    await started();
    const message = new Message('TopicTest', 'TagA', ['k1', 'k2'], 'hello');
    message.putUserProperty('color', 'red');
    const result = await producer.send(message);
    expect(result.sendStatus).toBe(SendStatus.SEND_OK);
    expect(result.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.toString()).toContain('sendStatus=SEND_OK');
    const viaCallback = await new Promise<string>((resolve, reject) => {
      producer.send(new Message('TopicTest', 'TagB', 'cb'), { onSuccess: (r) => resolve(r.msgId), onException: reject });
    });
    await producer.sendOneway(new Message('TopicTest', 'TagC', 'oneway'));
    await new Promise((r) => setTimeout(r, 100));
    const stored = cluster.brokers.flatMap((b) => b.stored('TopicTest'));
    const first = stored.find((r) => r.properties['UNIQ_KEY'] === result.msgId);
    expect(first?.body.toString()).toBe('hello');
    expect(first?.tags).toBe('TagA');
    expect(first?.keys).toEqual(['k1', 'k2']);
    expect(first?.properties['color']).toBe('red');
    expect(stored.some((r) => r.properties['UNIQ_KEY'] === viaCallback)).toBe(true);
    expect(stored.some((r) => r.body.toString() === 'oneway')).toBe(true);
  });

  it('sends batches and selector-chosen queues', async () => {
    await started();
    const batch = [new Message('TopicTest', 'T', 'b1'), new Message('TopicTest', 'T', 'b2')];
    const result = await producer.send(batch);
    expect(result.msgId.split(',')).toHaveLength(2);
    for (let i = 0; i < 4; i++) {
      const picked = await producer.send(new Message('TopicTest', 'T', `o${i}`), (queues, _m, arg: number) => queues[arg % queues.length]!, 1);
      expect(picked.messageQueue.queueId).toBe(1);
      expect(picked.messageQueue.brokerName).toBe('broker-a');
    }
  });

  it('compresses bodies over 4 KiB with zlib', async () => {
    await started();
    const body = Buffer.alloc(10_000, 'a');
    const result = await producer.send(new Message('TopicTest', 'Big', body));
    const stored = cluster.brokers.flatMap((b) => b.stored('TopicTest')).find((r) => r.properties['UNIQ_KEY'] === result.msgId);
    expect((stored?.sysFlag ?? 0) & 0x1).toBe(1);
    expect(inflateSync(stored!.body).equals(body)).toBe(true);
  });

  it('refuses invalid messages before sending anything', async () => {
    await started();
    const sendsBefore = cluster.brokers.reduce((n, b) => n + b.count(RequestCode.SEND_MESSAGE_V2), 0);
    await expect(producer.send(new Message('bad topic!', 'x'))).rejects.toMatchObject({ code: 'ERR_CLIENT_INVALID_MESSAGE' });
    await expect(producer.send(new Message('TopicTest', Buffer.alloc(0)))).rejects.toThrow(/length is zero/);
    await expect(producer.send(new Message('TopicTest', Buffer.alloc(5 * 1024 * 1024)))).rejects.toThrow(/over max value/);
    expect(cluster.brokers.reduce((n, b) => n + b.count(RequestCode.SEND_MESSAGE_V2), 0)).toBe(sendsBefore);
  });

  it('retries a retriable failure on the other broker, not a non-retriable one', async () => {
    await started();
    const sends = () => cluster.brokers.map((b) => b.count(RequestCode.SEND_MESSAGE_V2));
    const before = sends();
    // Both brokers fail once: attempt 1 fails on one, attempt 2 goes to the other and fails,
    // attempt 3 (retryTimesWhenSendFailed = 2) succeeds.
    for (const broker of cluster.brokers) broker.failSends.push(ResponseCode.SYSTEM_ERROR);
    const result = await producer.send(new Message('TopicTest', 'R', 'retry'));
    expect(result.sendStatus).toBe(SendStatus.SEND_OK);
    expect(cluster.brokers.map((b) => b.failSends.length)).toEqual([0, 0]);
    const delta = sends().map((n, i) => n - (before[i] ?? 0));
    expect(delta.reduce((a, b) => a + b, 0)).toBe(3);
    expect(Math.min(...delta)).toBeGreaterThanOrEqual(1);
    for (const broker of cluster.brokers) broker.failSends.push(ResponseCode.MESSAGE_ILLEGAL);
    const error = await producer.send(new Message('TopicTest', 'R', 'no retry')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MQResponseError);
    expect((error as MQResponseError).responseCode).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((error as MQResponseError).retriable).toBe(false);
    expect(cluster.brokers.map((b) => b.failSends.length).sort()).toEqual([0, 1]);
    for (const broker of cluster.brokers) broker.failSends.length = 0;
  });

  it('times a send out when its answer is late, drops the late answer, and keeps sending', async () => {
    await started();
    await producer.send(new Message('TopicTest', 'warm'));
    for (const broker of cluster.brokers) broker.delaySends.push(600);
    const error = await producer.send(new Message('TopicTest', 'late'), 200).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_REMOTING_TIMEOUT', retriable: true });
    for (const broker of cluster.brokers) broker.delaySends.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 600));
    const sends = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send(new Message('TopicTest', `after${i}`))));
    expect(sends.every((result) => result.sendStatus === SendStatus.SEND_OK)).toBe(true);
  });

  it('creates unknown topics through the TBW102 default route', async () => {
    await started();
    const result = await producer.send(new Message('BrandNewTopic', 'x'));
    expect(result.sendStatus).toBe(SendStatus.SEND_OK);
    expect(cluster.brokers.some((b) => b.topics.get('BrandNewTopic') === 4)).toBe(true);
  });

  it('shares one route lookup among concurrent first sends to a new topic', async () => {
    await started();
    const queries = (topic: string): number => cluster.namesrv.routeQueries.get(topic) ?? 0;
    const defaultBefore = queries('TBW102');
    const sends = Array.from({ length: 2000 }, (_, i) => producer.send(new Message('StormTopic', `m${i}`)));
    const results = await Promise.all(sends);
    expect(results.every((result) => result.sendStatus === SendStatus.SEND_OK)).toBe(true);
    expect(queries('StormTopic')).toBe(1);
    expect(queries('TBW102') - defaultBefore).toBe(1);
  });

  it('refuses to send before start and after shutdown', async () => {
    producer = new Producer({ groupName: 'pg', namesrvAddr: cluster.namesrv.address, logDir });
    await expect(producer.send(new Message('TopicTest', 'x'))).rejects.toMatchObject({ code: 'ERR_CLIENT_STATE' });
  });

  it('refreshes routes on pollNameServerInterval and starts using a new broker', async () => {
    const refreshing = await startFakeCluster(2);
    try {
      refreshing.brokers[0]!.createTopic('Growing', 2);
      producer = new Producer({ groupName: 'pg', namesrvAddr: refreshing.namesrv.address, logDir, pollNameServerIntervalMs: 100 });
      await producer.start();
      const before = await producer.send(new Message('Growing', 'x'));
      expect(before.messageQueue.brokerName).toBe('broker-a');
      refreshing.brokers[1]!.createTopic('Growing', 2);
      await new Promise((r) => setTimeout(r, 400));
      const brokers = new Set<string>();
      for (let i = 0; i < 12; i++) brokers.add((await producer.send(new Message('Growing', `m${i}`))).messageQueue.brokerName);
      expect(brokers).toEqual(new Set(['broker-a', 'broker-b']));
    } finally {
      await producer.shutdown();
      await refreshing.close();
    }
  });

  it('keeps sending when a broker dies, avoiding it after the first failure', async () => {
    const dying = await startFakeCluster(2);
    try {
      for (const broker of dying.brokers) broker.createTopic('Resilient', 2);
      const deadAddress = dying.brokers[1]!.address;
      let connectsToDead = 0;
      producer = new Producer({
        groupName: 'pg', namesrvAddr: dying.namesrv.address, logDir, sendMsgTimeout: 5000,
        connectionFactory: (address, options) => {
          if (address === deadAddress) connectsToDead++;
          return connectTcp(address, options);
        },
      });
      await producer.start();
      await producer.send(new Message('Resilient', 'warm-up'));
      await dying.brokers[1]!.close();
      const connectsBefore = connectsToDead;
      const results = [];
      for (let i = 0; i < 20; i++) results.push(await producer.send(new Message('Resilient', `after-${i}`)));
      expect(results.every((r) => r.sendStatus === 'SEND_OK' && r.messageQueue.brokerName === 'broker-a')).toBe(true);
      expect(dying.brokers[0]!.stored('Resilient').length).toBeGreaterThanOrEqual(20);
      // At most one attempt reached for the dead broker: after it failed, it was isolated.
      expect(connectsToDead - connectsBefore).toBeLessThanOrEqual(1);
    } finally {
      await producer.shutdown();
      await dying.close();
    }
  });
});
