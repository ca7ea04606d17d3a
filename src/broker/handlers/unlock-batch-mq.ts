import type { RemotingCommand } from '../../protocol/command.js';
import { decodeUnlockBatchRequestBody } from '../../protocol/bodies/client.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/**
 * UNLOCK_BATCH_MQ (42, reference §2.4, §5.5): same body as LOCK_BATCH_MQ; releases the queues
 * the client holds (locks of other clients stay). Always SUCCESS; Java may send it oneway.
 */
export function unlockBatchMq(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const body = decodeUnlockBatchRequestBody(request.body);
  context.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return success(request);
}
