import type { RemotingCommand } from '../../protocol/command.js';
import { encodeTopicConfigSerializeWrapper } from '../../protocol/bodies/route.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/** GET_ALL_TOPIC_CONFIG (21): body = TopicConfigSerializeWrapper, the content of topics.json. */
export function getAllTopicConfig(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  return success(request, null, encodeTopicConfigSerializeWrapper(context.topics.serializeWrapper()));
}
