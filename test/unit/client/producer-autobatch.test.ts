// Proves the Producer's autoBatch option against the in-process fake NameServer + brokers over
// real loopback TCP: concurrent promise and callback sends go out as fewer SEND_BATCH_MESSAGE
// requests (no SEND_MESSAGE_V2), each caller gets its own SendResult whose msgId is the stored
// record's UNIQ_KEY and whose queueOffset is that record's slot, with tags, keys, user
// properties and bodies intact; delayed, transactional-looking and explicit-queue sends still go
// one by one; a retriable batch failure is retried (on the other broker) for every member, a
// non-retriable one fails every member; with autoBatch off nothing is batched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Message, MQResponseError, Producer, ResponseCode, SendStatus } from '../../../src/client/index.js';
import type { SendResult } from '../../../src/client/index.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { startFakeCluster } from '../../helpers/fake-broker.js';

const logDir = mkdtempSync(join(tmpdir(), 'petrel-client-log-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('Producer autoBatch', () => {
  let cluster: Awaited<ReturnType<typeof startFakeCluster>>;
  let producer: Producer;
  const total = (code: number): number => cluster.brokers.reduce((n, b) => n + b.count(code), 0);

  beforeAll(async () => {
    cluster = await startFakeCluster(2);
    for (const broker of cluster.brokers) {
      broker.createTopic('AutoBatch', 2);
      broker.createTopic('AutoRetry', 2);
    }
  });
  afterAll(async () => cluster.close());
  afterEach(async () => producer?.shutdown());

  async function started(options: Record<string, unknown> = {}): Promise<Producer> {
    producer = new Producer({ groupName: 'pg_auto', namesrvAddr: cluster.namesrv.address, logDir, autoBatch: true, ...options });
    await producer.start();
    return producer;
  }

  it('coalesces concurrent sends into batches; every caller gets its own result', async () => {
    await started();
    await producer.send(new Message('AutoBatch', 'warm'));
    const batchesBefore = total(RequestCode.SEND_BATCH_MESSAGE);
    const singlesBefore = total(RequestCode.SEND_MESSAGE_V2);
    const count = 600;
    const sends: Array<Promise<SendResult>> = [];
    for (let i = 0; i < count; i++) {
      const message = new Message('AutoBatch', `Tag${i % 4}`, [`key-${i}`], `body-${i}`);
      message.putUserProperty('seq', String(i));
      if (i % 2 === 0) {
        sends.push(producer.send(message));
      } else {
        sends.push(new Promise((resolve, reject) => producer.send(message, { onSuccess: resolve, onException: reject })));
      }
    }
    const results = await Promise.all(sends);
    const batches = total(RequestCode.SEND_BATCH_MESSAGE) - batchesBefore;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(count / 10);
    expect(total(RequestCode.SEND_MESSAGE_V2)).toBe(singlesBefore);
    expect(new Set(results.map((r) => r.msgId)).size).toBe(count);
    expect(new Set(results.map((r) => r.offsetMsgId)).size).toBe(count);
    const stored = cluster.brokers.flatMap((b) => b.stored('AutoBatch'));
    const byKey = new Map(stored.map((r) => [r.properties['UNIQ_KEY'], r]));
    for (const [i, result] of results.entries()) {
      expect(result.sendStatus).toBe(SendStatus.SEND_OK);
      const record = byKey.get(result.msgId);
      expect(record?.body.toString()).toBe(`body-${i}`);
      expect(record?.properties['seq']).toBe(String(i));
      expect(record?.tags).toBe(`Tag${i % 4}`);
      expect(record?.keys).toEqual([`key-${i}`]);
      expect(record?.queueId).toBe(result.messageQueue.queueId);
      expect(record?.queueOffset).toBe(result.queueOffset);
      expect(record?.offsetMsgId).toBe(result.offsetMsgId);
    }
  });

  it('sends delayed, transactional-looking and explicit-queue messages one by one', async () => {
    await started();
    await producer.send(new Message('AutoBatch', 'warm'));
    const batchesBefore = total(RequestCode.SEND_BATCH_MESSAGE);
    const singlesBefore = total(RequestCode.SEND_MESSAGE_V2);
    const delayed = new Message('AutoBatch', 'delayed');
    delayed.delayTimeLevel = 3;
    const pgroup = new Message({ topic: 'AutoBatch', body: 'pgroup', properties: { PGROUP: 'someone' } });
    const queue = { topic: 'AutoBatch', brokerName: cluster.brokers[0]!.brokerName, queueId: 1 };
    await Promise.all([producer.send(delayed), producer.send(pgroup), producer.send(new Message('AutoBatch', 'q'), queue)]);
    expect(total(RequestCode.SEND_MESSAGE_V2) - singlesBefore).toBe(3);
    expect(total(RequestCode.SEND_BATCH_MESSAGE)).toBe(batchesBefore);
  });

  it('retries a retriable batch failure for every member, fails all on a non-retriable one', async () => {
    await started();
    await producer.send(new Message('AutoRetry', 'warm'));
    for (const broker of cluster.brokers) broker.failSends.push(ResponseCode.SYSTEM_ERROR);
    const retried = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send(new Message('AutoRetry', `r${i}`))));
    expect(retried.every((r) => r.sendStatus === SendStatus.SEND_OK)).toBe(true);
    expect(new Set(retried.map((r) => r.msgId)).size).toBe(20);
    for (const broker of cluster.brokers) broker.failSends.push(ResponseCode.MESSAGE_ILLEGAL);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => producer.send(new Message('AutoRetry', `f${i}`))));
    const failures = outcomes.filter((o) => o.status === 'rejected');
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(MQResponseError);
      expect(((failure as PromiseRejectedResult).reason as MQResponseError).responseCode).toBe(ResponseCode.MESSAGE_ILLEGAL);
    }
    for (const broker of cluster.brokers) broker.failSends.length = 0;
  });

  it('batches nothing when autoBatch is off', async () => {
    await started({ autoBatch: false });
    const batchesBefore = total(RequestCode.SEND_BATCH_MESSAGE);
    await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send(new Message('AutoBatch', `s${i}`))));
    expect(total(RequestCode.SEND_BATCH_MESSAGE)).toBe(batchesBefore);
  });
});
