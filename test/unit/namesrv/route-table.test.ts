// Proves the NameServer route table against RocketMQ's RouteInfoManager rules (reference §2.5):
// registration builds routes, slaves learn their master, unregistering / closing the channel /
// expiry remove a broker and the topics only it served, write-permission changes, topic lists.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import { RouteTable, type RegisterBrokerInput } from '../../../src/namesrv/route-table.js';
import { FakeChannel, topicConfig } from './fakes.js';

function input(overrides: Partial<RegisterBrokerInput> = {}): RegisterBrokerInput {
  return {
    clusterName: 'c1', brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', brokerId: 0,
    haServerAddr: '10.0.0.1:10912', dataVersion: { counter: 1, timestamp: 5 },
    topicConfigTable: { T1: topicConfig('T1', 4), T2: topicConfig('T2', 8) },
    channel: new FakeChannel(), ...overrides,
  };
}

describe('RouteTable', () => {
  it('answers routes for registered topics with their queues and broker addresses', () => {
    const table = new RouteTable(silentLogger);
    table.registerBroker(input(), 0);
    const route = table.topicRoute('T2');
    expect(route?.queueDatas).toEqual([{ brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicSysFlag: 0 }]);
    expect(route?.brokerDatas.map((data) => [data.brokerName, data.cluster, [...data.brokerAddrs]]))
      .toEqual([['broker-a', 'c1', [[0, '10.0.0.1:10911']]]]);
    expect(table.topicRoute('nope')).toBeUndefined();
    expect(table.allTopics().sort()).toEqual(['T1', 'T2']);
    expect(table.clusterInfo().clusterAddrTable).toEqual({ c1: ['broker-a'] });
  });

  it('updates queue data only from masters, and only when the data version changed', () => {
    const table = new RouteTable(silentLogger);
    table.registerBroker(input(), 0);
    table.registerBroker(input({ topicConfigTable: { T1: topicConfig('T1', 16) } }), 1);
    expect(table.topicRoute('T1')?.queueDatas[0]?.writeQueueNums).toBe(4);
    table.registerBroker(input({ dataVersion: { counter: 2, timestamp: 5 }, topicConfigTable: { T1: topicConfig('T1', 16) } }), 2);
    expect(table.topicRoute('T1')?.queueDatas[0]?.writeQueueNums).toBe(16);
    table.registerBroker(input({
      brokerId: 1, brokerAddr: '10.0.0.2:10911', dataVersion: { counter: 9, timestamp: 5 },
      topicConfigTable: { T9: topicConfig('T9') },
    }), 3);
    expect(table.topicRoute('T9')).toBeUndefined();
  });

  it('tells a slave its live master and HA address', () => {
    const table = new RouteTable(silentLogger);
    expect(table.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }), 0)).toEqual({});
    table.registerBroker(input(), 0);
    expect(table.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }), 1))
      .toEqual({ masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
    expect(table.registerBroker(input(), 1)).toEqual({});
  });

  it('moves an address to its new broker id (slave promoted to master)', () => {
    const table = new RouteTable(silentLogger);
    table.registerBroker(input({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }), 0);
    table.registerBroker(input({ brokerId: 0, brokerAddr: '10.0.0.2:10911' }), 1);
    expect([...(table.clusterInfo().brokerAddrTable['broker-a']?.brokerAddrs ?? [])]).toEqual([[0, '10.0.0.2:10911']]);
  });

  it('unregistering the last address of a broker removes it and the topics only it served', () => {
    const table = new RouteTable(silentLogger);
    table.registerBroker(input(), 0);
    table.registerBroker(input({
      brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', topicConfigTable: { T1: topicConfig('T1') },
    }), 0);
    table.unregisterBroker({ clusterName: 'c1', brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', brokerId: 0 });
    expect(table.topicRoute('T2')).toBeUndefined();
    expect(table.topicRoute('T1')?.brokerDatas.map((data) => data.brokerName)).toEqual(['broker-b']);
    expect(table.clusterInfo().clusterAddrTable).toEqual({ c1: ['broker-b'] });
    expect(table.liveInfo('10.0.0.1:10911')).toBeUndefined();
  });

  it('drops the broker whose channel closed, and only that one', () => {
    const table = new RouteTable(silentLogger);
    const channelA = new FakeChannel();
    table.registerBroker(input({ channel: channelA }), 0);
    table.registerBroker(input({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', channel: new FakeChannel() }), 0);
    expect(table.channelClosed(new FakeChannel())).toBeUndefined();
    expect(table.channelClosed(channelA)).toBe('10.0.0.1:10911');
    expect(table.topicRoute('T1')?.brokerDatas.map((data) => data.brokerName)).toEqual(['broker-b']);
  });

  it('expires brokers silent for the expiry time and closes their channels', () => {
    const table = new RouteTable(silentLogger);
    const stale = new FakeChannel();
    table.registerBroker(input({ channel: stale }), 0);
    table.registerBroker(input({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911' }), 100_000);
    expect(table.scanNotActiveBrokers(119_999, 120_000)).toEqual([]);
    expect(table.scanNotActiveBrokers(120_000, 120_000)).toEqual(['10.0.0.1:10911']);
    expect(stale.closed).toBe(true);
    expect(table.clusterInfo().clusterAddrTable).toEqual({ c1: ['broker-b'] });
    table.touch('10.0.0.3:10911', 300_000);
    expect(table.scanNotActiveBrokers(400_000, 120_000)).toEqual([]);
  });

  it('wipes and restores write permission, counting topics', () => {
    const table = new RouteTable(silentLogger);
    table.registerBroker(input(), 0);
    expect(table.changeWritePerm('broker-a', 'wipe')).toBe(2);
    expect(table.topicRoute('T1')?.queueDatas[0]?.perm).toBe(4);
    expect(table.changeWritePerm('broker-a', 'add')).toBe(2);
    expect(table.topicRoute('T1')?.queueDatas[0]?.perm).toBe(6);
    expect(table.changeWritePerm('nobody', 'wipe')).toBe(0);
  });

  it('lists topics by cluster, system topics, and deletes topics (whole or per cluster)', () => {
    const table = new RouteTable(silentLogger);
    table.registerBroker(input(), 0);
    table.registerBroker(input({
      clusterName: 'c2', brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', topicConfigTable: { T1: topicConfig('T1'), T3: topicConfig('T3') },
    }), 0);
    expect(table.topicsOfCluster('c2').sort()).toEqual(['T1', 'T3']);
    expect(table.topicsOfCluster('none')).toEqual([]);
    expect(table.systemTopics().topicList.sort()).toEqual(['broker-a', 'broker-b', 'c1', 'c2']);
    table.deleteTopic('T1', 'c2');
    expect(table.topicRoute('T1')?.brokerDatas.map((data) => data.brokerName)).toEqual(['broker-a']);
    table.deleteTopic('T1');
    expect(table.topicRoute('T1')).toBeUndefined();
  });
});
