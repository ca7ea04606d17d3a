import type { RemotingCommand } from '../../protocol/command.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { jsonBody, success } from './context.js';

/** GET_ALL_DELAY_OFFSET (45): body = delayOffset.json's content (slave sync, admin). */
export function getAllDelayOffset(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  return success(request, null, jsonBody(context.delayOffsets.encode()));
}
