// Proves the rebalancer's orderly lock handling (reference §5.5) with a fake lock table standing
// in for the broker and a recording offset store: a newly allocated queue is owned (and pulled)
// only once LOCK_BATCH_MQ grants it, a refused queue is asked for again after lockRetryMs and
// taken when the other holder lets go; a queue given up is released in the right order (the batch
// in the listener finishes, then the offset is written, then the queue is unlocked) and is not
// taken again before that; renewLocks marks queues the broker no longer grants as unlocked.
// Broadcasting mode keeps the fake free of consumer-list requests; allocation is "every queue".
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import type { ClientInstance } from '../../../src/client/client-instance.js';
import { type MessageQueue, queueKey } from '../../../src/client/message-queue.js';
import type { OffsetStore } from '../../../src/client/offset-store.js';
import type { ProcessQueue } from '../../../src/client/process-queue.js';
import type { QueueLocker } from '../../../src/client/queue-locks.js';
import { RebalanceService, type RebalanceHost } from '../../../src/client/rebalance.js';
import type { TopicRouteData } from '../../../src/protocol/bodies/route.js';

function route(queueNums: number): TopicRouteData {
  return {
    queueDatas: [{ brokerName: 'b', readQueueNums: queueNums, writeQueueNums: queueNums, perm: 6, topicSysFlag: 0 }],
    brokerDatas: [{ cluster: 'c', brokerName: 'b', brokerAddrs: new Map([[0, '127.0.0.1:1']]) }],
    filterServerTable: {},
  } as unknown as TopicRouteData;
}

function setup(queueNums: number) {
  const events: string[] = [];
  const heldByOther = new Set<string>();
  const heldByUs = new Set<string>();
  const locker = {
    async lock(queues: readonly MessageQueue[]): Promise<Set<string>> {
      const granted = new Set<string>();
      for (const queue of queues) {
        const key = queueKey(queue);
        if (heldByOther.has(key)) continue;
        heldByUs.add(key);
        granted.add(key);
      }
      return granted;
    },
    async unlock(queues: readonly MessageQueue[]): Promise<void> {
      for (const queue of queues) {
        heldByUs.delete(queueKey(queue));
        events.push(`unlock ${queue.queueId}`);
      }
    },
  } as unknown as QueueLocker;
  const offsetStore = {
    persistAll: async (queues: readonly MessageQueue[]) => {
      for (const queue of queues) events.push(`persist ${queue.queueId}`);
    },
    removeOffset: () => undefined,
    updateOffset: () => undefined,
  } as unknown as OffsetStore;
  let current = route(queueNums);
  const pulling: Array<{ queue: MessageQueue; processQueue: ProcessQueue }> = [];
  const host: RebalanceHost = {
    instance: { route: () => current } as unknown as ClientInstance,
    group: 'g', clustering: false, strategy: () => [], offsetStore, logger: silentLogger,
    subscriptions: () => new Map([['T', { topic: 'T' }]]) as unknown as ReturnType<RebalanceHost['subscriptions']>,
    startOffset: async () => 0,
    startPulling: (queue, processQueue) => {
      pulling.push({ queue, processQueue });
      events.push(`pull ${queue.queueId}`);
    },
    queueLocker: locker, lockRetryMs: 20,
  };
  const service = new RebalanceService(host);
  return {
    service, events, heldByOther, heldByUs, pulling,
    setRoute: (nums: number) => { current = route(nums); },
  };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('RebalanceService with queue locks', () => {
  it('owns a queue only once locked, and retries refused locks', async () => {
    const { service, heldByOther, pulling } = setup(2);
    heldByOther.add(queueKey({ topic: 'T', brokerName: 'b', queueId: 1 }));
    await service.rebalance();
    expect(service.ownedQueues().map((q) => q.queueId)).toEqual([0]);
    expect(pulling.every((p) => p.processQueue.locked)).toBe(true);
    heldByOther.clear();
    await until(() => service.ownedQueues().length === 2);
    expect(pulling.map((p) => p.queue.queueId)).toEqual([0, 1]);
    service.dropAll();
  });

  it('releases a queue after its batch in flight, writing the offset before unlocking', async () => {
    const { service, events, setRoute, pulling } = setup(2);
    await service.rebalance();
    const processQueue = pulling.find((p) => p.queue.queueId === 1)?.processQueue as ProcessQueue;
    let finishBatch: () => void = () => undefined;
    processQueue.inFlight = new Promise<void>((resolve) => {
      finishBatch = () => {
        events.push('batch done');
        resolve();
      };
    });
    setRoute(1);
    await service.rebalance();
    expect(processQueue.dropped && processQueue.releasing).toBe(true);
    expect(service.ownedQueues().map((q) => q.queueId)).toEqual([0]);
    setRoute(2);
    await service.rebalance();
    expect(service.ownedQueues().map((q) => q.queueId)).toEqual([0]);
    expect(events).not.toContain('unlock 1');
    finishBatch();
    await until(() => events.includes('unlock 1'));
    expect(events.slice(events.indexOf('batch done'))).toEqual(['batch done', 'persist 1', 'unlock 1']);
    await until(() => service.ownedQueues().length === 2);
    expect(events.at(-1)).toBe('pull 1');
    service.dropAll();
  });

  it('renewLocks marks queues the broker no longer grants as unlocked', async () => {
    const { service, heldByOther, pulling } = setup(2);
    await service.rebalance();
    heldByOther.add(queueKey({ topic: 'T', brokerName: 'b', queueId: 0 }));
    await service.renewLocks();
    expect(pulling.map((p) => [p.queue.queueId, p.processQueue.locked])).toEqual([[0, false], [1, true]]);
    service.dropAll();
  });
});
