import type { RemotingCommand } from '../../protocol/command.js';
import { decodeLockBatchRequestBody, encodeLockBatchResponseBody } from '../../protocol/bodies/client.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/**
 * LOCK_BATCH_MQ (41, reference §2.4, §5.5): body `{"consumerGroup","clientId","mqSet":[...]}`.
 * Grants each queue that is free, expired or already the client's, and answers
 * `{"lockOKMQSet":[...]}` with the queues the client now holds among those asked.
 */
export function lockBatchMq(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const body = decodeLockBatchRequestBody(request.body);
  const locked = context.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return success(request, null, encodeLockBatchResponseBody(locked));
}
