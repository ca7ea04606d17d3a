import type { RemotingCommand } from '../../protocol/command.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { jsonBody, success } from './context.js';

/** GET_ALL_CONSUMER_OFFSET (43): body = consumerOffset.json's content (slave sync, admin). */
export function getAllConsumerOffset(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  return success(request, null, jsonBody(context.offsets.encode()));
}
