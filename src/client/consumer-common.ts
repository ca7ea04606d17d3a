import { getMaxOffset, queryConsumerOffset, searchOffsetByTimestamp, updateConsumerOffset } from './client-api.js';
import type { ClientInstance } from './client-instance.js';
import type { MessageQueue } from './message-queue.js';
import {
  defaultLocalOffsetPath, LocalFileOffsetStore, OFFSET_ERROR, OFFSET_NONE, type OffsetStore, ReadOffsetType,
  RemoteBrokerOffsetStore,
} from './offset-store.js';

/** Consumer settings shared by the push and the pull consumer (reference §5.3). */
export const MessageModel = { CLUSTERING: 'CLUSTERING', BROADCASTING: 'BROADCASTING' } as const;
export type MessageModel = (typeof MessageModel)[keyof typeof MessageModel];

export const ConsumeFromWhere = {
  CONSUME_FROM_LAST_OFFSET: 'CONSUME_FROM_LAST_OFFSET',
  CONSUME_FROM_FIRST_OFFSET: 'CONSUME_FROM_FIRST_OFFSET',
  CONSUME_FROM_TIMESTAMP: 'CONSUME_FROM_TIMESTAMP',
} as const;
export type ConsumeFromWhere = (typeof ConsumeFromWhere)[keyof typeof ConsumeFromWhere];

/** Remote (clustering) or local-file (broadcasting) offset store for a group. */
export function makeOffsetStore(
  clustering: boolean, instance: ClientInstance, group: string, offsetStoreDir?: string,
): OffsetStore {
  if (!clustering) {
    return new LocalFileOffsetStore(defaultLocalOffsetPath(instance.clientId, group, offsetStoreDir), instance.logger);
  }
  const timeoutMs = instance.config.requestTimeoutMs;
  const masterOf = async (queue: MessageQueue): Promise<string> => {
    let address = instance.masterAddress(queue.brokerName);
    if (address === undefined) {
      await instance.updateRoute(queue.topic);
      address = instance.masterAddress(queue.brokerName);
    }
    if (address === undefined) throw new Error(`The broker[${queue.brokerName}] not exist`);
    return address;
  };
  return new RemoteBrokerOffsetStore({
    queryOffset: async (queue) => queryConsumerOffset(instance.brokerRemoting, await masterOf(queue), group, queue, timeoutMs),
    // Java sends these oneway; waiting for the answer (every 5 s, on commitSync and on shutdown)
    // costs little and means a commit that resolved is on the broker.
    commitOffset: async (queue, queueOffset) =>
      updateConsumerOffset(instance.brokerRemoting, await masterOf(queue), group, queue, queueOffset, timeoutMs),
  }, instance.logger);
}

/** Parses yyyyMMddHHmmss (local time). */
export function parseConsumeTimestamp(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (match === null) throw new TypeError(`consumeTimestamp must be yyyyMMddHHmmss, got ${text}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

/**
 * Where a newly owned queue starts (Java's computePullFromWhere): the stored offset if any;
 * otherwise by consumeFromWhere (retry topics start at 0 for LAST, at max for TIMESTAMP).
 * Returns < 0 when the offset could not be found out now (retry at the next rebalance).
 */
export async function computeStartOffset(
  instance: ClientInstance, offsetStore: OffsetStore, queue: MessageQueue, from: ConsumeFromWhere,
  consumeTimestamp: string | undefined,
): Promise<number> {
  const stored = await offsetStore.readOffset(queue, ReadOffsetType.STORE);
  if (stored >= 0) return stored;
  if (stored === OFFSET_ERROR) return OFFSET_ERROR;
  const retryTopic = queue.topic.startsWith('%RETRY%');
  const address = instance.masterAddress(queue.brokerName);
  if (address === undefined) return OFFSET_ERROR;
  const timeoutMs = instance.config.requestTimeoutMs;
  try {
    switch (from) {
      case ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET:
        return 0;
      case ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET:
        return retryTopic ? 0 : await getMaxOffset(instance.brokerRemoting, address, queue, timeoutMs);
      case ConsumeFromWhere.CONSUME_FROM_TIMESTAMP: {
        if (retryTopic) return await getMaxOffset(instance.brokerRemoting, address, queue, timeoutMs);
        const timestampMs = consumeTimestamp === undefined
          ? Date.now() - 30 * 60 * 1000
          : parseConsumeTimestamp(consumeTimestamp);
        return await searchOffsetByTimestamp(instance.brokerRemoting, address, queue, timestampMs, timeoutMs);
      }
    }
  } catch (error) {
    instance.logger.warn({ err: error, queue }, 'computing the start offset failed');
    return OFFSET_ERROR;
  }
  return OFFSET_NONE;
}
