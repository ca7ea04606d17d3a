import type { RemotingCommand } from '../../protocol/command.js';
import { encodeTopicList } from '../../protocol/bodies/route.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/** GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305) → TopicList of the system topics. */
export function getSystemTopicListFromBroker(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): RemotingCommand {
  return success(request, null, encodeTopicList({ topicList: [...context.topics.systemTopics] }));
}
