import { silentLogger } from '../../../../src/common/log.js';
import { dataPlaneConfigFrom, type DataPlaneConfig } from '../../../../src/broker/data-plane/config.js';
import { createDataPlane, type DataPlane } from '../../../../src/broker/data-plane/index.js';
import type { ControlPort, GroupView, RegisteredSubscription, TopicTables, TopicView } from '../../../../src/broker/data-plane/ports.js';
import { type RemotingCommand, createRequest } from '../../../../src/protocol/command.js';
import type { Channel } from '../../../../src/remoting/channel.js';
import { FakeStore } from './fake-store.js';

/** A data plane over a FakeStore, mutable topic/group tables and a recording control port. */
export interface Harness {
  readonly store: FakeStore;
  readonly topics: Map<string, TopicView>;
  readonly groups: Map<string, GroupView>;
  readonly subscriptions: Map<string, RegisteredSubscription>;
  readonly commits: Array<{ group: string; topic: string; queueId: number; queueOffset: number }>;
  readonly created: string[];
  readonly plane: DataPlane;
  readonly channel: Channel;
  call(command: RemotingCommand): Promise<RemotingCommand>;
}

export const RW: TopicView = { readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 };

export function createHarness(overrides: Partial<DataPlaneConfig> = {}): Harness {
  const store = new FakeStore();
  const topics = new Map<string, TopicView>([
    ['TopicTest', RW],
    ['TBW102', { readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSysFlag: 0 }],
    ['SCHEDULE_TOPIC_XXXX', { readQueueNums: 18, writeQueueNums: 18, perm: 6, topicSysFlag: 0 }],
  ]);
  const groups = new Map<string, GroupView>();
  const subscriptions = new Map<string, RegisteredSubscription>();
  const commits: Harness['commits'] = [];
  const created: string[] = [];
  const tables: TopicTables = { topic: (name) => topics.get(name), group: (name) => groups.get(name) };
  const control: ControlPort = {
    async createTopicFromDefault(topic, _defaultTopic, queueNums) {
      created.push(topic);
      const view = { readQueueNums: queueNums, writeQueueNums: queueNums, perm: 6, topicSysFlag: 0 };
      topics.set(topic, view);
      return view;
    },
    async createSystemTopic(topic, queueNums, perm) {
      created.push(topic);
      const view = { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag: 0 };
      topics.set(topic, view);
      return view;
    },
    commitOffset(_address, group, topic, queueId, queueOffset) {
      commits.push({ group, topic, queueId, queueOffset });
    },
    async findSubscription(group, topic) {
      return subscriptions.get(`${group}@${topic}`) ?? null;
    },
  };
  const config = { ...testConfig(), ...overrides };
  const plane = createDataPlane({ config, tables, appender: store, reader: store, control, logger: silentLogger });
  plane.start();
  const channel = fakeChannel();
  return {
    store, topics, groups, subscriptions, commits, created, plane, channel,
    call: async (command) => {
      const reply = await plane.handler(command, channel);
      if (reply === null) throw new Error('data plane returned no reply');
      return reply;
    },
  };
}

export function testConfig(): DataPlaneConfig {
  return dataPlaneConfigFrom({
    brokerName: 'broker-a', brokerClusterName: 'DefaultCluster', brokerRole: 'ASYNC_MASTER',
    brokerPermission: 6, listenPort: 10911, maxMessageSize: 4096, autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true, longPollingEnable: true, shortPollingTimeMills: 1000,
    regionId: 'DefaultRegion', traceOn: true, startAcceptSendRequestTimeStamp: 0,
    rejectTransactionMessage: false, enablePropertyFilter: false,
    waitTimeMillsInSendQueue: 200, brokerFastFailureEnable: true, sendThreadPoolQueueCapacity: 10_000,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
  }, '127.0.0.1');
}

export function fakeChannel(remoteAddress = '127.0.0.1:54321'): Channel {
  return {
    id: 1, remoteAddress, localAddress: '127.0.0.1:10911', transport: 'tcp', closed: false,
    send() {}, sendFrames() {}, close() {}, onClose() {},
  };
}

let opaque = 0;

/** A SEND_MESSAGE_V2 request as ali-ons builds it (short keys, numbers as strings). */
export function sendV2(topic: string, body: string | Buffer, properties = '', extra: Record<string, string> = {}): RemotingCommand {
  const command = createRequest(310, {
    a: 'pg', b: topic, c: 'TBW102', d: '4', e: '-1', f: '0', g: String(Date.now()), h: '0',
    i: properties, j: '0', k: 'false', ...extra,
  }, typeof body === 'string' ? Buffer.from(body) : body);
  command.opaque = ++opaque;
  command.version = 121;
  return command;
}

export function pullRequest(topic: string, queueId: number, queueOffset: number, extra: Record<string, string> = {}): RemotingCommand {
  const command = createRequest(11, {
    consumerGroup: 'G1', topic, queueId: String(queueId), queueOffset: String(queueOffset), maxMsgNums: '32',
    sysFlag: '4', commitOffset: '0', suspendTimeoutMillis: '15000', subscription: '*', subVersion: '1',
    ...extra,
  });
  command.opaque = ++opaque;
  return command;
}

export function props(entries: Record<string, string>): string {
  return Object.entries(entries).map(([name, value]) => `${name}\u0001${value}`).join('\u0002');
}
