import type { RemotingCommand } from '../../protocol/command.js';
import { decodeUpdateConsumerOffsetRequestHeader } from '../../protocol/headers/consumer.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/**
 * UPDATE_CONSUMER_OFFSET (15): `consumerGroup*`, `topic*`, `queueId*`, `commitOffset*` →
 * SUCCESS. Negative commits (ali-ons' "-1 = none yet") and negative queue ids are ignored.
 */
export function updateConsumerOffset(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const header = decodeUpdateConsumerOffsetRequestHeader(request.extFields);
  if (header.queueId >= 0) {
    context.offsets.commitOffset(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
  }
  return success(request);
}
