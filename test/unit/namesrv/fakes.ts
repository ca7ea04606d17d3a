// Test doubles for NameServer unit tests: a Channel that records closes, and builders for
// REGISTER_BROKER requests and a handler context over a FakeClock and a tmp kvConfig file.
import { join } from 'node:path';
import { FakeClock } from '../../../src/common/clock.js';
import { loadConfig } from '../../../src/common/config/load.js';
import { silentLogger } from '../../../src/common/log.js';
import { type RemotingCommand, createRequest } from '../../../src/protocol/command.js';
import { type TopicConfig, encodeRegisterBrokerBody } from '../../../src/protocol/bodies/route.js';
import { encodeRegisterBrokerRequestHeader } from '../../../src/protocol/headers/namesrv.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import type { Channel } from '../../../src/remoting/channel.js';
import { type NamesrvConfig, namesrvSchema } from '../../../src/namesrv/config.js';
import type { NamesrvContext } from '../../../src/namesrv/handlers/context.js';
import { KvConfigStore } from '../../../src/namesrv/kv-config.js';
import { RouteTable } from '../../../src/namesrv/route-table.js';
import { tempDirForFile } from '../../helpers/temp-dirs.js';

let nextId = 1_000_000;

export class FakeChannel implements Channel {
  readonly id = nextId++;
  readonly transport = 'tcp' as const;
  readonly localAddress = '127.0.0.1:9876';
  closed = false;
  closeReason = '';
  readonly sent: RemotingCommand[] = [];
  private readonly listeners: Array<(channel: Channel) => void> = [];
  constructor(readonly remoteAddress = '127.0.0.1:50000') {}
  send(command: RemotingCommand): void {
    this.sent.push(command);
  }
  sendFrames(): void {}
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    for (const listener of this.listeners.splice(0)) listener(this);
  }
  onClose(listener: (channel: Channel) => void): void {
    this.listeners.push(listener);
  }
}

export function topicConfig(topicName: string, queueNums = 4, perm = 6): TopicConfig {
  return {
    topicName, readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0, order: false,
  };
}

export interface BrokerSpec {
  clusterName?: string;
  brokerName?: string;
  brokerAddr?: string;
  brokerId?: number;
  haServerAddr?: string;
  topics?: TopicConfig[];
  counter?: number;
}

export function registerRequest(spec: BrokerSpec = {}): RemotingCommand {
  const topics = spec.topics ?? [topicConfig('TopicTest')];
  const body = encodeRegisterBrokerBody({
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: spec.counter ?? 1, timestamp: 1_700_000_000_000 },
      topicConfigTable: Object.fromEntries(topics.map((topic) => [topic.topicName, topic])),
    },
  });
  return createRequest(RequestCode.REGISTER_BROKER, encodeRegisterBrokerRequestHeader({
    clusterName: spec.clusterName ?? 'DefaultCluster',
    brokerName: spec.brokerName ?? 'broker-a',
    brokerAddr: spec.brokerAddr ?? '10.0.0.1:10911',
    brokerId: spec.brokerId ?? 0,
    haServerAddr: spec.haServerAddr ?? '10.0.0.1:10912',
  }), body);
}

export function testContext(overrides: Record<string, string> = {}): NamesrvContext & { clock: FakeClock } {
  const dir = tempDirForFile('petrel-namesrv-');
  let config: NamesrvConfig = loadConfig(namesrvSchema, {
    overrides: { kvConfigPath: join(dir, 'kvConfig.json'), logDir: dir, ...overrides },
  });
  const clock = new FakeClock(1_000_000);
  return {
    routes: new RouteTable(silentLogger),
    kv: new KvConfigStore(config.kvConfigPath, silentLogger),
    clock,
    logger: silentLogger,
    config: () => config,
    updateConfig: (changes) => {
      const current = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, String(value)]));
      config = loadConfig(namesrvSchema, { overrides: { ...current, ...changes } });
    },
  };
}
