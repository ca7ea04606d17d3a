// Raw-protocol helpers for the message-type integration tests (transactions, timer, delay):
// SEND_MESSAGE_V2 with properties, PULL_MESSAGE without suspension, HEART_BEAT as a producer,
// and a graceful broker restart (SIGTERM, wait for the exit, start on the same store and ports).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequest } from '../../src/protocol/command.js';
import { encodeProperties } from '../../src/protocol/properties.js';
import { type DecodedRecord, decodeRecords } from '../../src/protocol/record-decode.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { RemotingClient } from '../../src/remoting/client.js';
import type { Cluster } from './broker-data-cluster.js';

const REQUEST_TIMEOUT_MS = 5000;

export interface SendOutcome {
  readonly msgId: string;
  readonly queueOffset: number;
}

export async function sendMessage(
  client: RemotingClient, cluster: Cluster, topic: string, body: string,
  properties: Record<string, string>, options: { queueId?: number; sysFlag?: number; group?: string } = {},
): Promise<SendOutcome> {
  const reply = await client.invoke(cluster.brokerAddress, createRequest(RequestCode.SEND_MESSAGE_V2, {
    a: options.group ?? 'pg', b: topic, c: 'TBW102', d: '4', e: String(options.queueId ?? 0),
    f: String(options.sysFlag ?? 0), g: String(Date.now()), h: '0', i: encodeProperties(properties), j: '0', k: 'false', m: 'false',
  }, Buffer.from(body)), REQUEST_TIMEOUT_MS);
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`send to ${topic}: ${reply.code} ${reply.remark}`);
  return { msgId: reply.extFields?.['msgId'] ?? '', queueOffset: Number(reply.extFields?.['queueOffset']) };
}

/** Every record in the queue from `fromQueueOffset` on (no long polling). */
export async function pullAll(
  client: RemotingClient, cluster: Cluster, topic: string, queueId = 0, fromQueueOffset = 0,
): Promise<DecodedRecord[]> {
  const records: DecodedRecord[] = [];
  let queueOffset = fromQueueOffset;
  for (;;) {
    const reply = await client.invoke(cluster.brokerAddress, createRequest(RequestCode.PULL_MESSAGE, {
      consumerGroup: 'PullerGroup', topic, queueId: String(queueId), queueOffset: String(queueOffset), maxMsgNums: '32',
      sysFlag: '4', commitOffset: '0', suspendTimeoutMillis: '0', subscription: '*', subVersion: '0',
    }), REQUEST_TIMEOUT_MS);
    if (reply.code !== ResponseCode.SUCCESS || reply.body === null) return records;
    records.push(...decodeRecords(reply.body));
    queueOffset = Number(reply.extFields?.['nextBeginOffset']);
  }
}

/** Registers `group` as a producer group on this client's connection. */
export async function producerHeartbeat(client: RemotingClient, cluster: Cluster, clientId: string, group = 'pg'): Promise<void> {
  const body = { clientID: clientId, producerDataSet: [{ groupName: group }], consumerDataSet: [] };
  const reply = await client.invoke(cluster.brokerAddress,
    createRequest(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(body))), REQUEST_TIMEOUT_MS);
  if (reply.code !== ResponseCode.SUCCESS) throw new Error(`heartbeat: ${reply.code} ${reply.remark}`);
}

/** SIGTERM the broker (graceful: flushes offsets, checkpoints), wait until it is gone, start it again. */
export async function restartBrokerGracefully(cluster: Cluster): Promise<void> {
  const pid = cluster.brokerPid();
  process.kill(pid, 'SIGTERM');
  const deadlineMs = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadlineMs) throw new Error('broker did not stop after SIGTERM');
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  await cluster.startBroker();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** The broker log's last lines (for a failing test's report). */
export function brokerLogTail(cluster: Cluster, lines = 40): string {
  const path = join(cluster.dir, 'logs', 'broker.log');
  if (!existsSync(path)) return '(no broker.log)';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
