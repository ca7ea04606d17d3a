import { assert } from '../common/assert.js';
import type { MessageQueue } from './message-queue.js';

/**
 * Queue allocation strategies (reference §5.7). Inputs must already be sorted (queues by
 * topic/broker/id, client ids lexicographically) so every consumer of the group computes the
 * same split without talking to the others.
 */
export type AllocateStrategy = (
  consumerGroup: string,
  currentClientId: string,
  queuesAll: readonly MessageQueue[],
  clientIdsAll: readonly string[],
) => MessageQueue[];

/** AllocateMessageQueueAveragely: contiguous blocks, the first `n % c` clients get one more. */
export const allocateAveragely: AllocateStrategy = (_group, clientId, queuesAll, clientIdsAll) => {
  const index = clientIdsAll.indexOf(clientId);
  if (index < 0 || queuesAll.length === 0) return [];
  const queueCount = queuesAll.length;
  const clientCount = clientIdsAll.length;
  const mod = queueCount % clientCount;
  let blockSize: number;
  if (queueCount <= clientCount) blockSize = 1;
  else if (mod > 0 && index < mod) blockSize = Math.floor(queueCount / clientCount) + 1;
  else blockSize = Math.floor(queueCount / clientCount);
  const startIndex = mod > 0 && index < mod ? index * blockSize : index * blockSize + mod;
  const range = Math.min(blockSize, queueCount - startIndex);
  const result: MessageQueue[] = [];
  for (let i = 0; i < range; i++) result.push(queuesAll[(startIndex + i) % queueCount] as MessageQueue);
  assert(result.length <= blockSize, 'allocation larger than its block');
  return result;
};

/** AllocateMessageQueueAveragelyByCircle: queue i goes to client i % c. */
export const allocateAveragelyByCircle: AllocateStrategy = (_group, clientId, queuesAll, clientIdsAll) => {
  const index = clientIdsAll.indexOf(clientId);
  if (index < 0) return [];
  return queuesAll.filter((_queue, i) => i % clientIdsAll.length === index);
};
