import { lockBatchMQ, unlockBatchMQ } from './client-api-msgtypes.js';
import type { ClientInstance } from './client-instance.js';
import { type MessageQueue, queueKey } from './message-queue.js';

/**
 * An orderly consumer's side of the broker queue locks (reference §5.5): LOCK_BATCH_MQ and
 * UNLOCK_BATCH_MQ, one request per broker master for that broker's queues. A broker that cannot
 * be reached grants nothing (its queues are simply not consumed until a later lock succeeds).
 */
export class QueueLocker {
  constructor(private readonly instance: ClientInstance, private readonly group: string) {}

  /** Locks (or renews) the queues; resolves with the keys (`queueKey`) of those this client holds. */
  async lock(queues: readonly MessageQueue[]): Promise<Set<string>> {
    const held = new Set<string>();
    await Promise.all([...byBroker(queues)].map(async ([brokerName, mqSet]) => {
      const address = this.instance.masterAddress(brokerName);
      if (address === undefined) return;
      try {
        const locked = await lockBatchMQ(this.instance.brokerRemoting, address,
          { consumerGroup: this.group, clientId: this.instance.clientId, mqSet }, this.instance.config.requestTimeoutMs);
        for (const queue of locked) held.add(queueKey(queue));
      } catch (error) {
        this.instance.logger.warn({ err: error, broker: address, group: this.group }, 'LOCK_BATCH_MQ failed');
      }
    }));
    return held;
  }

  /** Releases the queues (only the ones this client holds are affected at the broker). */
  async unlock(queues: readonly MessageQueue[]): Promise<void> {
    await Promise.all([...byBroker(queues)].map(async ([brokerName, mqSet]) => {
      const address = this.instance.masterAddress(brokerName);
      if (address === undefined) return;
      try {
        await unlockBatchMQ(this.instance.brokerRemoting, address,
          { consumerGroup: this.group, clientId: this.instance.clientId, mqSet }, this.instance.config.requestTimeoutMs);
      } catch (error) {
        this.instance.logger.warn({ err: error, broker: address, group: this.group }, 'UNLOCK_BATCH_MQ failed');
      }
    }));
  }
}

function byBroker(queues: readonly MessageQueue[]): Map<string, MessageQueue[]> {
  const grouped = new Map<string, MessageQueue[]>();
  for (const queue of queues) {
    const list = grouped.get(queue.brokerName);
    if (list === undefined) grouped.set(queue.brokerName, [queue]);
    else list.push(queue);
  }
  return grouped;
}
