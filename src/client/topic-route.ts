import { assert } from '../common/assert.js';
import { Perm, type TopicRouteData } from '../protocol/bodies/route.js';
import { compareQueues, type MessageQueue } from './message-queue.js';

/**
 * What the SDK takes from a NameServer route (TopicRouteData, reference §2.5): publish queues
 * are the writable queues of brokers that have a master (brokerId 0), subscribe queues are the
 * readable ones; `orderTopicConf` ("brokerA:4;brokerB:8") overrides publish queues.
 */
export type TopicRoute = Pick<TopicRouteData, 'brokerDatas' | 'queueDatas' | 'orderTopicConf'>;

export const MASTER_ID = 0;

export function isWritable(perm: number): boolean {
  return (perm & Perm.WRITE) !== 0;
}

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) !== 0;
}

/** Publish queues of a route, sorted by broker name then queue id. */
export function publishQueuesOf(topic: string, route: TopicRoute): MessageQueue[] {
  const queues: MessageQueue[] = [];
  if (route.orderTopicConf !== undefined && route.orderTopicConf.length > 0) {
    for (const entry of route.orderTopicConf.split(';')) {
      const [brokerName, countText] = entry.split(':');
      const count = Number(countText);
      if (brokerName === undefined || !Number.isInteger(count)) continue;
      for (let queueId = 0; queueId < count; queueId++) queues.push({ topic, brokerName, queueId });
    }
    return queues.sort(compareQueues);
  }
  const withMaster = new Set(
    route.brokerDatas.filter((broker) => broker.brokerAddrs.has(MASTER_ID)).map((b) => b.brokerName),
  );
  for (const queueData of [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1))) {
    if (!isWritable(queueData.perm) || !withMaster.has(queueData.brokerName)) continue;
    for (let queueId = 0; queueId < queueData.writeQueueNums; queueId++) {
      queues.push({ topic, brokerName: queueData.brokerName, queueId });
    }
  }
  return queues;
}

/** Subscribe (readable) queues of a route, sorted by (topic, brokerName, queueId). */
export function subscribeQueuesOf(topic: string, route: TopicRoute): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const queueData of route.queueDatas) {
    if (!isReadable(queueData.perm)) continue;
    for (let queueId = 0; queueId < queueData.readQueueNums; queueId++) {
      queues.push({ topic, brokerName: queueData.brokerName, queueId });
    }
  }
  return queues.sort(compareQueues);
}

/** Every broker address of the route: brokerName → (brokerId → address). */
export function brokerAddressesOf(route: TopicRoute): Map<string, ReadonlyMap<number, string>> {
  const table = new Map<string, ReadonlyMap<number, string>>();
  for (const broker of route.brokerDatas) table.set(broker.brokerName, new Map(broker.brokerAddrs));
  return table;
}

/** Structural equality, so a refresh that changed nothing does not trigger a rebalance. */
export function sameRoute(a: TopicRoute, b: TopicRoute): boolean {
  return canonical(a) === canonical(b);
}

function canonical(route: TopicRoute): string {
  const brokers = [...route.brokerDatas]
    .map((broker) => `${broker.brokerName}=${[...broker.brokerAddrs].map(([id, a]) => `${id}:${a}`).sort().join(',')}`)
    .sort();
  const queues = [...route.queueDatas]
    .map((q) => `${q.brokerName}:${q.perm}:${q.readQueueNums}:${q.writeQueueNums}`)
    .sort();
  return `${brokers.join('|')}#${queues.join('|')}#${route.orderTopicConf ?? ''}`;
}

/**
 * Publish queues of one topic plus the round-robin position (TopicPublishInfo). The position
 * starts at a random queue so that many producers do not all start on queue 0.
 */
export class TopicPublishInfo {
  private position: number;

  constructor(
    readonly topic: string,
    readonly queues: readonly MessageQueue[],
    readonly orderTopic: boolean,
    /** Built from the TBW102 default route: sends carry defaultTopic so the broker creates the topic. */
    readonly viaDefaultRoute = false,
  ) {
    this.position = Math.floor(Math.random() * 1024);
  }

  get ok(): boolean {
    return this.queues.length > 0;
  }

  /** The next queue in round-robin order. */
  next(): MessageQueue {
    assert(this.queues.length > 0, 'next() on a topic with no publish queues');
    this.position = (this.position + 1) & 0x3fffffff;
    return this.queues[this.position % this.queues.length] as MessageQueue;
  }

  /**
   * Round-robin choice that skips queues for which `avoid(brokerName)` is true; falls back to
   * plain round-robin when every queue is avoided (a request beats no request).
   */
  select(avoid: (brokerName: string) => boolean): MessageQueue {
    for (let i = 0; i < this.queues.length; i++) {
      const queue = this.next();
      if (!avoid(queue.brokerName)) return queue;
    }
    return this.next();
  }
}
