// Proves transactional messages end to end against a real broker process (bin/mqbroker from
// dist/, loopback, tmp store; transactionCheckInterval 1 s, transactionTimeOut 1 s) with raw
// RemotingClients acting as the producer (reference §2.3, §5.4): a half message is invisible to
// a puller of its topic; commit makes it visible exactly once (with the COMMIT sysFlag and the
// half record's offset); rollback never makes it visible; an unanswered half message is checked
// back (CHECK_TRANSACTION_STATE) on a second connection of the same producer group after the
// first closed, and answering commit publishes it once; a half message pending across a
// graceful broker restart is still checked and can be committed after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RemotingCommand } from '../../src/protocol/command.js';
import { FLAG_ONEWAY, createRequest } from '../../src/protocol/command.js';
import { decodeCheckTransactionStateRequestHeader } from '../../src/protocol/headers/message.js';
import { decodeOffsetMsgId } from '../../src/protocol/message-id.js';
import { decodeRecord } from '../../src/protocol/record-decode.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';
import { brokerLogTail, pullAll, producerHeartbeat, restartBrokerGracefully, sendMessage, sleep } from './msgtypes-helpers.js';

const TOPIC = 'TopicTx';
const PREPARED = 0x4;

let cluster: Cluster;
const clients: RemotingClient[] = [];

interface Check {
  tranStateTableOffset: number;
  commitLogOffset: number;
  msgId: string;
  topic: string;
}

/** A producer connection that records the checks it is sent (and never answers them itself). */
function producerClient(): { client: RemotingClient; checks: Check[] } {
  const checks: Check[] = [];
  const client = new RemotingClient({
    handler: (command: RemotingCommand) => {
      if (command.code === RequestCode.CHECK_TRANSACTION_STATE && command.body !== null) {
        const header = decodeCheckTransactionStateRequestHeader(command.extFields);
        checks.push({ ...header, msgId: header.msgId ?? '', topic: decodeRecord(command.body).topic });
      }
      return null;
    },
  });
  clients.push(client);
  return { client, checks };
}

async function sendHalf(client: RemotingClient, uniqKey: string) {
  const sent = await sendMessage(client, cluster, TOPIC, `body-${uniqKey}`,
    { TRAN_MSG: 'true', PGROUP: 'pg', UNIQ_KEY: uniqKey, TAGS: 'TagTx' }, { sysFlag: PREPARED });
  return { ...sent, commitLogOffset: decodeOffsetMsgId(sent.msgId).physicalOffset };
}

async function endTransaction(
  client: RemotingClient, half: { queueOffset: number; commitLogOffset: number }, uniqKey: string, resolution: number, fromCheck = false,
): Promise<void> {
  const command = createRequest(RequestCode.END_TRANSACTION, {
    producerGroup: 'pg', tranStateTableOffset: String(half.queueOffset), commitLogOffset: String(half.commitLogOffset),
    commitOrRollback: String(resolution), fromTransactionCheck: String(fromCheck), msgId: uniqKey, transactionId: uniqKey,
  });
  command.flag |= FLAG_ONEWAY;
  await client.invokeOneway(cluster.brokerAddress, command);
}

async function visible(uniqKey: string): Promise<number> {
  const puller = clients[0] as RemotingClient;
  return (await pullAll(puller, cluster, TOPIC)).filter((record) => record.properties['UNIQ_KEY'] === uniqKey).length;
}

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: ['--transactionCheckInterval=1000', '--transactionTimeOut=1000'] });
  const puller = new RemotingClient();
  clients.push(puller);
  await createTopic(cluster, puller, TOPIC, 1);
}, 60_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`broker.log tail:\n${brokerLogTail(cluster)}`);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

describe('transactional messages on a real broker', () => {
  it('hides half messages; commit shows one exactly once, rollback never', async () => {
    const { client } = producerClient();
    await producerHeartbeat(client, cluster, '127.0.0.1@tx-a');
    const committed = await sendHalf(client, 'TX-COMMIT');
    const rolledBack = await sendHalf(client, 'TX-ROLLBACK');
    expect(await visible('TX-COMMIT')).toBe(0);
    await endTransaction(client, committed, 'TX-COMMIT', 8);
    await endTransaction(client, rolledBack, 'TX-ROLLBACK', 12);
    let count = 0;
    const deadlineMs = Date.now() + 5000;
    while (count === 0 && Date.now() < deadlineMs) {
      count = await visible('TX-COMMIT');
      if (count === 0) await sleep(50);
    }
    expect(count).toBe(1);
    const [record] = (await pullAll(clients[0] as RemotingClient, cluster, TOPIC))
      .filter((r) => r.properties['UNIQ_KEY'] === 'TX-COMMIT');
    expect((record?.sysFlag ?? 0) & 0xc).toBe(8);
    expect(record?.preparedTransactionOffset).toBe(committed.commitLogOffset);
    expect(record?.properties['REAL_TOPIC']).toBeUndefined();
    // Two check rounds later: still once, the rolled-back one never.
    await sleep(2500);
    expect(await visible('TX-COMMIT')).toBe(1);
    expect(await visible('TX-ROLLBACK')).toBe(0);
    client.close();
  });

  it('checks back an unanswered half message on another connection of the group', async () => {
    const first = producerClient();
    await producerHeartbeat(first.client, cluster, '127.0.0.1@tx-b1');
    await sendHalf(first.client, 'TX-UNKNOWN');
    first.client.close();
    const second = producerClient();
    await producerHeartbeat(second.client, cluster, '127.0.0.1@tx-b2');
    const checked = await waitFor(() => second.checks.some((check) => check.msgId === 'TX-UNKNOWN'), 10_000);
    expect(checked).toBe(true);
    const check = second.checks.find((c) => c.msgId === 'TX-UNKNOWN') as Check;
    expect(check.topic).toBe(TOPIC);
    expect(second.checks.some((c) => c.msgId === 'TX-COMMIT' || c.msgId === 'TX-ROLLBACK')).toBe(false);
    expect(await visible('TX-UNKNOWN')).toBe(0);
    await endTransaction(second.client, { queueOffset: check.tranStateTableOffset, commitLogOffset: check.commitLogOffset },
      'TX-UNKNOWN', 8, true);
    await sleep(2500);
    expect(await visible('TX-UNKNOWN')).toBe(1);
    second.client.close();
  }, 30_000);

  it('keeps a pending half message checkable across a broker restart', async () => {
    const before = producerClient();
    await producerHeartbeat(before.client, cluster, '127.0.0.1@tx-c1');
    await sendHalf(before.client, 'TX-RESTART');
    before.client.close();
    await restartBrokerGracefully(cluster);
    const after = producerClient();
    await producerHeartbeat(after.client, cluster, '127.0.0.1@tx-c2');
    expect(await waitFor(() => after.checks.some((c) => c.msgId === 'TX-RESTART'), 10_000)).toBe(true);
    const check = after.checks.find((c) => c.msgId === 'TX-RESTART') as Check;
    await endTransaction(after.client, { queueOffset: check.tranStateTableOffset, commitLogOffset: check.commitLogOffset },
      'TX-RESTART', 8, true);
    await sleep(2500);
    expect(await visible('TX-RESTART')).toBe(1);
    expect(await visible('TX-UNKNOWN')).toBe(1);
    expect(await visible('TX-COMMIT')).toBe(1);
  }, 40_000);
});
