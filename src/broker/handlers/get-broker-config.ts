import type { RemotingCommand } from '../../protocol/command.js';
import { encodeDataVersion } from '../../protocol/bodies/route.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { jsonBody, success } from './context.js';

/** GET_BROKER_CONFIG (26): body = properties text of every key; ext `version` = config DataVersion JSON. */
export function getBrokerConfig(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const holder = context.brokerConfig;
  const version = encodeDataVersion(holder.version()).toString('utf8');
  return success(request, { version }, jsonBody(holder.format()));
}
