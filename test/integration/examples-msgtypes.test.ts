// Proves the message-type examples in examples/ run as documented against real bin/mqnamesrv +
// bin/mqbroker processes (enablePropertyFilter=true, messageDelayLevel "1s 2s 3s",
// transactionCheckInterval / transactionTimeOut 1 s), each as its own node process with
// NAMESRV_ADDR exported and HOME in a tmp dir: two orderly consumers together print every step of
// every order once and each order's steps in order; the scheduled consumer prints every delayed
// (level 2 = 2 s) message no earlier than 2 s after its birth and every timed one (deliverTimeMs =
// now + 1.5 s) no earlier than its deliverTimeMs; the SQL filter consumer prints exactly a = 0..3; the transaction producer's listener gets
// the TagC check and a consumer prints exactly TagA and TagC.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type PetrelProcess, spawnPetrel, stopAllPetrel, waitFor } from '../helpers/process.js';
import { type Cluster, createTopic, startCluster } from './broker-data-cluster.js';

let cluster: Cluster;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: [
    '--enablePropertyFilter=true', '--messageDelayLevel=1s 2s 3s', '--transactionCheckInterval=1000',
    '--transactionTimeOut=1000',
  ] });
  env = { NAMESRV_ADDR: cluster.namesrvAddress, HOME: join(cluster.dir, 'home') };
  const admin = new RemotingClient();
  for (const topic of ['ExOrdered', 'ExScheduled', 'ExTimed', 'ExSql', 'ExTransaction']) await createTopic(cluster, admin, topic);
  admin.close();
});

afterAll(async () => {
  await stopAllPetrel();
  await cluster?.stop();
});

function consumerOf(example: string, topic: string, group: string): Promise<PetrelProcess> {
  return spawnPetrel(`dist/examples/${example}.js`, [], { env: { ...env, TOPIC: topic, GROUP: group }, readyPattern: /Consumer Started/ });
}

async function runToEnd(example: string, extraEnv: Record<string, string>): Promise<PetrelProcess> {
  const run = await spawnPetrel(`dist/examples/${example}.js`, [], { env: { ...env, ...extraEnv } });
  expect(await run.exited, `${example}: ${run.stderr()}`).toBe(0);
  return run;
}

function lines(output: string, pattern: RegExp): RegExpMatchArray[] {
  return [...output.matchAll(new RegExp(pattern.source, 'gm'))];
}

describe('message-type examples', () => {
  it('ordered producer + two orderly consumers: every order\'s steps once, in order', async () => {
    const first = await consumerOf('orderly-consumer', 'ExOrdered', 'ex_orderly');
    const second = await consumerOf('orderly-consumer', 'ExOrdered', 'ex_orderly');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const producer = await runToEnd('ordered-producer', { TOPIC: 'ExOrdered', ORDER_COUNT: '10' });
    expect(lines(producer.stdout(), /^SEND_OK queueId:\d+/)).toHaveLength(40);
    const step = /orderId=(\d+), desc='(\w+)'/;
    await waitFor(() => lines(first.stdout(), step).length + lines(second.stdout(), step).length >= 40, 'orderly consumers', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const byOrder = new Map<string, string[]>();
    for (const run of [first, second]) {
      for (const [, orderId, desc] of lines(run.stdout(), step)) {
        byOrder.set(orderId as string, [...(byOrder.get(orderId as string) ?? []), desc as string]);
      }
    }
    expect(byOrder.size).toBe(10);
    for (const [orderId, steps] of byOrder) expect(steps, orderId).toEqual(['created', 'paid', 'shipped', 'completed']);
    for (const run of [first, second]) expect(await run.stop()).toBe(0);
  });

  it('scheduled producer + consumer: delayed and timed messages arrive after their delay', async () => {
    const delayed = await consumerOf('scheduled-consumer', 'ExScheduled', 'ex_scheduled');
    const timed = await consumerOf('scheduled-consumer', 'ExTimed', 'ex_timed');
    await runToEnd('scheduled-producer', { TOPIC: 'ExScheduled', MESSAGE_COUNT: '10', DELAY_LEVEL: '2' });
    await runToEnd('scheduled-producer', { TOPIC: 'ExTimed', MESSAGE_COUNT: '10', DELIVER_AFTER_MS: '1500' });
    const later = /Receive message\[msgId=[0-9A-F]{32}\] (\d+)ms later/;
    const afterDeliverTime = /ms later, (-?\d+)ms after its deliverTimeMs/;
    await waitFor(() => lines(delayed.stdout(), later).length >= 10 && lines(timed.stdout(), later).length >= 10,
      'scheduled consumers', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const delaysOf = (run: PetrelProcess): number[] => lines(run.stdout(), later).map((match) => Number(match[1]));
    expect(delaysOf(delayed)).toHaveLength(10);
    expect(delaysOf(timed)).toHaveLength(10);
    for (const delayMs of delaysOf(delayed)) expect(delayMs).toBeGreaterThanOrEqual(2000);
    // deliverTimeMs was taken just before the send, the birth time during it: compare with the former.
    const afterOf = lines(timed.stdout(), afterDeliverTime).map((match) => Number(match[1]));
    expect(afterOf).toHaveLength(10);
    for (const afterMs of afterOf) expect(afterMs).toBeGreaterThanOrEqual(0);
    for (const run of [delayed, timed]) expect(await run.stop()).toBe(0);
  });

  it('SQL filter producer + consumer: only a between 0 and 3', async () => {
    const consumer = await consumerOf('sql-filter-consumer', 'ExSql', 'ex_sql');
    await runToEnd('sql-filter-producer', { TOPIC: 'ExSql' });
    const received = /Receive New Message: a=(\d+)/;
    await waitFor(() => lines(consumer.stdout(), received).length >= 4, 'sql consumer', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(lines(consumer.stdout(), received).map((match) => Number(match[1])).sort()).toEqual([0, 1, 2, 3]);
    expect(await consumer.stop()).toBe(0);
  });

  it('transaction producer + listener: consumers get TagA and TagC only', async () => {
    const consumer = await spawnPetrel('dist/examples/clustering-consumer.js', [],
      { env: { ...env, TOPIC: 'ExTransaction', GROUP: 'ex_transaction' }, readyPattern: /Consumer Started/ });
    const producer = await spawnPetrel('dist/examples/transaction-producer.js', [], { env: { ...env, TOPIC: 'ExTransaction' } });
    await waitFor(() => /checked the local transaction of TagC/.test(producer.stdout()), 'the TagC check', 20_000);
    const body = /body=(Hello RocketMQ \d)$/;
    await waitFor(() => lines(consumer.stdout(), body).length >= 2, 'transaction consumer', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(lines(consumer.stdout(), body).map((match) => match[1]).sort()).toEqual(['Hello RocketMQ 0', 'Hello RocketMQ 2']);
    expect(lines(producer.stdout(), /localTransactionState=(\w+)/).map((match) => match[1]))
      .toEqual(['COMMIT_MESSAGE', 'ROLLBACK_MESSAGE', 'UNKNOW']);
    expect(await producer.stop()).toBe(0);
    expect(await consumer.stop()).toBe(0);
  });
});
