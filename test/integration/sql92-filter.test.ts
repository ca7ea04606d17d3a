// Proves SQL92 filtering end to end against real bin/mqnamesrv + bin/mqbroker processes
// (--enablePropertyFilter=true; the broker's default I/O threads, so the filter runs in the
// dispatch pool's workers): the RocketMQ tutorial case — ten messages with user property a = 0..9,
// a PushConsumer (the SDK, expressionType SQL92) subscribed with `a between 0 and 3` receives
// exactly a in {0,1,2,3}; raw PULL_MESSAGE requests return exactly those records from every queue
// (the broker filters, not the client); a bad expression is refused with a clear, positioned
// error by CHECK_CLIENT_CONFIG (23) and PULL_MESSAGE (23). Uses the compiled dist/ (built first).
import { join } from 'node:path';
import { ConsumeConcurrentlyStatus, ExpressionType, Message, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { encodePullMessageRequestHeader } from '../../src/protocol/headers/pull-message.js';
import { decodeRecords } from '../../src/protocol/record-decode.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

const TOPIC = 'SqlFilterTopic';
const QUEUES = 4;
const EXPRESSION = 'a between 0 and 3';

let cluster: Cluster;
let admin: RemotingClient;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: ['--enablePropertyFilter=true'] });
  admin = new RemotingClient();
  await createTopic(cluster, admin, TOPIC, QUEUES);
  const producer = new Producer({ groupName: 'sql_pg', namesrvAddr: cluster.namesrvAddress, logDir: join(cluster.dir, 'client-logs') });
  await producer.start();
  closers.push(() => producer.shutdown());
  for (let a = 0; a < 10; a++) {
    const message = new Message(TOPIC, 'TagA', `body-${a}`);
    message.putUserProperty('a', String(a));
    expect((await producer.send(message)).sendStatus).toBe('SEND_OK');
  }
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  admin?.close();
  await cluster?.stop();
});

function pull(queueId: number, subscription: string): Promise<RemotingCommand> {
  return admin.invoke(cluster.brokerAddress, createRequest(RequestCode.PULL_MESSAGE, encodePullMessageRequestHeader({
    consumerGroup: 'sql_raw', topic: TOPIC, queueId, queueOffset: 0, maxMsgNums: 32, sysFlag: 0x4,
    commitOffset: 0, suspendTimeoutMillis: 0, subscription, subVersion: 0, expressionType: 'SQL92',
  })), 5000);
}

function checkClientConfig(subString: string): Promise<RemotingCommand> {
  const body = {
    clientId: '127.0.0.1@sql', group: 'sql_raw',
    subscriptionData: { classFilterMode: false, codeSet: [], expressionType: 'SQL92', subString, subVersion: 1, tagsSet: [], topic: TOPIC },
  };
  return admin.invoke(cluster.brokerAddress,
    createRequest(RequestCode.CHECK_CLIENT_CONFIG, null, Buffer.from(JSON.stringify(body))), 5000);
}

describe('SQL92 filter against real processes', () => {
  it('the broker returns exactly the matching records from every queue', async () => {
    const matched: string[] = [];
    let scanned = 0;
    for (let queueId = 0; queueId < QUEUES; queueId++) {
      const reply = await pull(queueId, EXPRESSION);
      expect([ResponseCode.SUCCESS, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_NOT_FOUND]).toContain(reply.code);
      scanned += Number(reply.extFields?.['maxOffset']);
      if (reply.code === ResponseCode.SUCCESS) {
        expect(reply.extFields?.['nextBeginOffset']).toBe(reply.extFields?.['maxOffset']);
        for (const record of decodeRecords(reply.body as Buffer)) matched.push(record.properties['a'] ?? 'missing');
      }
    }
    expect(scanned).toBe(10);
    expect(matched.sort()).toEqual(['0', '1', '2', '3']);
  });

  it('a PushConsumer subscribed with `a between 0 and 3` receives exactly a in {0,1,2,3}', async () => {
    const received: string[] = [];
    const consumer = new PushConsumer({
      groupName: 'sql_cg', namesrvAddr: cluster.namesrvAddress, logDir: join(cluster.dir, 'client-logs'),
      offsetStoreDir: join(cluster.dir, 'offsets'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceIntervalMs: 1000,
    });
    consumer.subscribe(TOPIC, EXPRESSION, ExpressionType.SQL92);
    consumer.registerMessageListener(async (messages) => {
      for (const message of messages) received.push(message.getUserProperty('a') ?? 'missing');
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await consumer.start();
    closers.push(() => consumer.shutdown());
    expect(await waitFor(() => received.length >= 4, 20_000)).toBe(true);
    // Every queue has been pulled past its last message by now (4 of 10 arrived, the broker
    // answers each pull with all matches); give stray deliveries a moment to show up anyway.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(received.sort()).toEqual(['0', '1', '2', '3']);
  });

  it('refuses a bad expression with a clear, positioned error (CHECK_CLIENT_CONFIG and PULL_MESSAGE)', async () => {
    const good = await checkClientConfig(EXPRESSION);
    expect(good.code).toBe(ResponseCode.SUCCESS);
    const checked = await checkClientConfig("a > 'x'");
    expect(checked.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(checked.remark).toContain("invalid SQL92 expression at line 1, column 3 (near '> 'x''): the string 'x' cannot be compared with >");
    const pulled = await pull(0, 'a between 0 and');
    expect(pulled.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(pulled.remark).toMatch(/^parse the consumer's subscription failed: invalid SQL92 expression at line 1, column 16 \(at the end\)/);
  });
});
