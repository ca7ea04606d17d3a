// Proves publish/subscribe queue extraction from a route follows the reference (§2.5: W perm and
// a master for publish, R perm for subscribe, orderTopicConf override), round-robin selection
// skips avoided brokers but never returns nothing, and fault tolerance isolates a failed broker
// for the isolation time and slow brokers per Java's latency table (with a fake clock).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { LatencyFaultTolerance, notAvailableDurationMs } from '../../../src/client/fault-tolerance.js';
import {
  publishQueuesOf, sameRoute, subscribeQueuesOf, TopicPublishInfo, type TopicRoute,
} from '../../../src/client/topic-route.js';

const route: TopicRoute = {
  brokerDatas: [
    { cluster: 'c', brokerName: 'b', brokerAddrs: new Map([[0, '127.0.0.1:2']]) },
    { cluster: 'c', brokerName: 'a', brokerAddrs: new Map([[0, '127.0.0.1:1']]) },
    { cluster: 'c', brokerName: 'slaveonly', brokerAddrs: new Map([[1, '127.0.0.1:3']]) },
  ],
  queueDatas: [
    { brokerName: 'b', perm: 6, readQueueNums: 2, writeQueueNums: 2, topicSysFlag: 0 },
    { brokerName: 'a', perm: 4, readQueueNums: 3, writeQueueNums: 3, topicSysFlag: 0 },
    { brokerName: 'slaveonly', perm: 6, readQueueNums: 1, writeQueueNums: 1, topicSysFlag: 0 },
  ],
};

describe('topic route', () => {
  it('publishes only to writable queues of brokers with a master', () => {
    expect(publishQueuesOf('T', route).map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(['b/0', 'b/1']);
  });

  it('subscribes to every readable queue, sorted', () => {
    expect(subscribeQueuesOf('T', route).map((q) => `${q.brokerName}/${q.queueId}`))
      .toEqual(['a/0', 'a/1', 'a/2', 'b/0', 'b/1', 'slaveonly/0']);
  });

  it('honours orderTopicConf', () => {
    const ordered = { ...route, orderTopicConf: 'x:2;y:1' };
    expect(publishQueuesOf('T', ordered).map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(['x/0', 'x/1', 'y/0']);
  });

  it('compares routes structurally', () => {
    const copy: TopicRoute = {
      brokerDatas: [...route.brokerDatas].reverse(), queueDatas: [...route.queueDatas].reverse(),
    };
    expect(sameRoute(route, copy)).toBe(true);
    expect(sameRoute(route, { ...route, queueDatas: [] })).toBe(false);
  });

  it('round-robins and avoids brokers, falling back when all are avoided', () => {
    const info = new TopicPublishInfo('T', [
      { topic: 'T', brokerName: 'a', queueId: 0 }, { topic: 'T', brokerName: 'b', queueId: 0 },
      { topic: 'T', brokerName: 'a', queueId: 1 },
    ], false);
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const queue = info.next();
      seen.add(queue.queueId * 10 + queue.brokerName.charCodeAt(0));
    }
    expect(seen.size).toBe(3);
    for (let i = 0; i < 10; i++) expect(info.select((name) => name === 'a').brokerName).toBe('b');
    expect(info.select(() => true)).toBeDefined();
  });
});

describe('LatencyFaultTolerance', () => {
  it('isolates a failed broker until the isolation time passes', () => {
    const clock = new FakeClock(1000);
    const faults = new LatencyFaultTolerance(clock, 30_000);
    faults.update('a', 10, true);
    expect(faults.isAvailable('a')).toBe(false);
    expect(faults.isAvailable('b')).toBe(true);
    clock.advanceMs(29_999);
    expect(faults.isAvailable('a')).toBe(false);
    clock.advanceMs(1);
    expect(faults.isAvailable('a')).toBe(true);
  });

  it('follows the latency table and clears on a fast send', () => {
    expect(notAvailableDurationMs(10)).toBe(0);
    expect(notAvailableDurationMs(600)).toBe(30_000);
    expect(notAvailableDurationMs(20_000)).toBe(600_000);
    const clock = new FakeClock(0);
    const faults = new LatencyFaultTolerance(clock);
    faults.update('a', 2500, false);
    expect(faults.isAvailable('a')).toBe(false);
    faults.update('a', 5, false);
    expect(faults.isAvailable('a')).toBe(true);
  });
});
