// Proves the SDK's TransactionProducer end to end against real bin/mqnamesrv + bin/mqbroker
// processes (transactionCheckInterval 1 s, transactionTimeOut 1 s so check-backs come quickly),
// importing from 'petrel': (1) the tutorial's listener — TagA committed, TagB rolled back, TagC
// left unknown and committed when the broker checks back — yields exactly TagA and TagC to a
// push consumer, once each, and checks reached checkLocalTransaction for TagC only; (2) a
// producer in a child process that is SIGKILLed after its half message was stored but before it
// ended the transaction is checked back through another live producer of the same group (in this
// process), whose COMMIT publishes the message once.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  LocalTransactionState, Message, type MessageExt, PushConsumer, TransactionProducer,
} from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { REPO_ROOT, spawnPetrel, stopAllPetrel } from '../helpers/process.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: ['--transactionCheckInterval=1000', '--transactionTimeOut=1000'] });
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, 'TxTutorial');
  await createTopic(cluster, admin, 'TxKilled');
  admin.close();
});

afterAll(async () => {
  await stopAllPetrel();
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(group: string, topic: string): Promise<MessageExt[]> {
  const received: MessageExt[] = [];
  const consumer = new PushConsumer({
    groupName: group, namesrvAddr: cluster.namesrvAddress, logDir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  });
  consumer.subscribe(topic, '*');
  consumer.registerMessageListener((messages) => {
    received.push(...messages);
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  closers.push(() => consumer.shutdown());
  return received;
}

describe('TransactionProducer', () => {
  it('publishes committed and checked-then-committed messages, never rolled-back ones', async () => {
    const checked: string[] = [];
    const producer = new TransactionProducer({
      groupName: 'tx_tutorial_pg', namesrvAddr: cluster.namesrvAddress, logDir,
      transactionListener: {
        executeLocalTransaction(message) {
          if (message.tags === 'TagA') return LocalTransactionState.COMMIT_MESSAGE;
          if (message.tags === 'TagB') return LocalTransactionState.ROLLBACK_MESSAGE;
          return LocalTransactionState.UNKNOW;
        },
        checkLocalTransaction(message) {
          checked.push(message.tags ?? '');
          return LocalTransactionState.COMMIT_MESSAGE;
        },
      },
    });
    await producer.start();
    closers.push(() => producer.shutdown());
    const received = await collect('tx_tutorial_cg', 'TxTutorial');

    const states: string[] = [];
    for (const tag of ['TagA', 'TagB', 'TagC']) {
      const result = await producer.sendMessageInTransaction(new Message('TxTutorial', tag, `KEY_${tag}`, `body of ${tag}`), null);
      expect(result.sendStatus).toBe('SEND_OK');
      expect(result.transactionId).toBe(result.msgId);
      states.push(result.localTransactionState);
    }
    expect(states).toEqual(['COMMIT_MESSAGE', 'ROLLBACK_MESSAGE', 'UNKNOW']);

    expect(await waitFor(() => received.some((m) => m.tags === 'TagC'), 20_000)).toBe(true);
    await sleep(2500);
    expect(received.map((m) => m.tags).sort()).toEqual(['TagA', 'TagC']);
    expect(received.map((m) => m.body.toString()).sort()).toEqual(['body of TagA', 'body of TagC']);
    expect(received.every((m) => m.getProperty('TRAN_MSG') === undefined)).toBe(true);
    // The broker may ask more than once (an answer racing the next check round); only TagC is unknown.
    expect(new Set(checked)).toEqual(new Set(['TagC']));
  }, 45_000);

  it('checks a transaction of a killed producer back through another live producer of its group', async () => {
    const checked: string[] = [];
    const live = new TransactionProducer({
      groupName: 'tx_kill_pg', namesrvAddr: cluster.namesrvAddress, logDir,
      transactionListener: {
        executeLocalTransaction: () => LocalTransactionState.COMMIT_MESSAGE,
        checkLocalTransaction(message) {
          checked.push(message.transactionId ?? '');
          return LocalTransactionState.COMMIT_MESSAGE;
        },
      },
    });
    await live.start();
    closers.push(() => live.shutdown());
    const received = await collect('tx_kill_cg', 'TxKilled');

    const sdk = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'client', 'index.js')).href;
    const script = `
      import { Message, TransactionProducer } from ${JSON.stringify(sdk)};
      const producer = new TransactionProducer({
        groupName: 'tx_kill_pg', namesrvAddr: ${JSON.stringify(cluster.namesrvAddress)}, logDir: ${JSON.stringify(logDir)},
        transactionListener: {
          executeLocalTransaction: (message) => { console.log('HALF ' + message.transactionId); return new Promise(() => {}); },
          checkLocalTransaction: () => 'UNKNOW',
        },
      });
      await producer.start();
      void producer.sendMessageInTransaction(new Message('TxKilled', 'TagK', 'orphan'));`;
    const child = await spawnPetrel(process.execPath, ['--input-type=module', '-e', script], { readyPattern: /HALF [0-9A-F]{32}/ });
    const uniqKey = /HALF ([0-9A-F]{32})/.exec(child.stdout())?.[1] ?? '';
    await child.kill9();

    expect(await waitFor(() => received.length > 0, 20_000)).toBe(true);
    await sleep(2500);
    expect(received.map((m) => [m.msgId, m.body.toString()])).toEqual([[uniqKey, 'orphan']]);
    expect(checked[0]).toBe(uniqKey);
    expect(new Set(checked)).toEqual(new Set([uniqKey]));
  }, 45_000);
});
