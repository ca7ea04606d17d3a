/**
 * The few admin requests the Petrel driver needs, over plain remoting (what `mqadmin updateTopic`
 * and `getBrokerConfig` send): find the master brokers through the NameServer, create a topic
 * with the workload's queue count on each, wait until the NameServer routes it, and read the
 * broker's configuration for the report.
 */
import { RemotingClient } from '../../../src/remoting/client.js';
import { createRequest } from '../../../src/protocol/command.js';
import type { RemotingCommand } from '../../../src/protocol/command.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { decodeClusterInfo } from '../../../src/protocol/bodies/route.js';
import { encodeCreateTopicRequestHeader } from '../../../src/protocol/headers/admin.js';

const REQUEST_TIMEOUT_MS = 5_000;
/** A freshly started broker registers within a second or two; a route may lag one registration. */
const WAIT_TIMEOUT_MS = 40_000;
const WAIT_STEP_MS = 200;
/** PERM_READ | PERM_WRITE. */
const PERM_READ_WRITE = 6;

export interface MasterBroker {
  brokerName: string;
  address: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class PetrelAdmin {
  private readonly remoting = new RemotingClient({});
  private readonly namesrvAddr: string;

  constructor(namesrvAddr: string) {
    const first = namesrvAddr.split(/[;,]/)[0]?.trim();
    if (first === undefined || first.length === 0) throw new Error('namesrvAddr is empty');
    this.namesrvAddr = first;
  }

  private async call(address: string, command: RemotingCommand, what: string): Promise<RemotingCommand> {
    const response = await this.remoting.invoke(address, command, REQUEST_TIMEOUT_MS);
    if (response.code !== ResponseCode.SUCCESS) {
      throw new Error(`${what} at ${address} failed: code ${response.code} ${response.remark ?? ''}`);
    }
    return response;
  }

  /** Master brokers of `clusterName` (every cluster when empty), waiting for one to register. */
  async masterBrokers(clusterName: string, waitMs = WAIT_TIMEOUT_MS): Promise<MasterBroker[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const response = await this.call(this.namesrvAddr, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO), 'GET_BROKER_CLUSTER_INFO');
      const info = decodeClusterInfo(response.body);
      const names = clusterName === '' ? Object.keys(info.brokerAddrTable) : info.clusterAddrTable[clusterName] ?? [];
      const masters: MasterBroker[] = [];
      for (const brokerName of names) {
        const address = info.brokerAddrTable[brokerName]?.brokerAddrs.get(0);
        if (address !== undefined) masters.push({ brokerName, address });
      }
      if (masters.length > 0) return masters;
      if (Date.now() > deadline) throw new Error(`no master broker registered at ${this.namesrvAddr}`);
      await sleep(WAIT_STEP_MS);
    }
  }

  /** Creates (or updates) `topic` with `queues` read/write queues on every master. */
  async createTopic(topic: string, queues: number, masters: MasterBroker[]): Promise<void> {
    const header = encodeCreateTopicRequestHeader({
      topic, defaultTopic: 'TBW102', readQueueNums: queues, writeQueueNums: queues, perm: PERM_READ_WRITE,
      topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    });
    for (const master of masters) {
      await this.call(master.address, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, header), `create topic ${topic}`);
    }
    await this.waitForRoute(topic);
  }

  private async waitForRoute(topic: string): Promise<void> {
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    for (;;) {
      const response = await this.remoting.invoke(this.namesrvAddr,
        createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), REQUEST_TIMEOUT_MS);
      if (response.code === ResponseCode.SUCCESS) return;
      if (Date.now() > deadline) throw new Error(`the NameServer never routed topic ${topic}`);
      await sleep(WAIT_STEP_MS);
    }
  }

  /** The broker's configuration as key → value (GET_BROKER_CONFIG's properties body). */
  async brokerConfig(address: string): Promise<Record<string, string>> {
    const response = await this.call(address, createRequest(RequestCode.GET_BROKER_CONFIG), 'GET_BROKER_CONFIG');
    const config: Record<string, string> = {};
    for (const line of (response.body?.toString('utf8') ?? '').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0 && !line.startsWith('#')) config[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return config;
  }

  close(): void {
    this.remoting.close();
  }
}
