import type { RemotingCommand } from '../../protocol/command.js';
import { toFastjson } from '../../protocol/fastjson.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { jsonBody, success } from './context.js';

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): body = subscriptionGroup.json's content. */
export function getAllSubscriptiongroupConfig(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): RemotingCommand {
  return success(request, null, jsonBody(toFastjson(context.groups.serializeWrapper())));
}
