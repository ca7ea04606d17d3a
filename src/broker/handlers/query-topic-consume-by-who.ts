import type { RemotingCommand } from '../../protocol/command.js';
import { encodeGroupList } from '../../protocol/bodies/admin.js';
import { decodeQueryTopicConsumeByWhoRequestHeader } from '../../protocol/headers/admin.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/** QUERY_TOPIC_CONSUME_BY_WHO (300): `topic*` → GroupList: online subscribers and groups with offsets. */
export function queryTopicConsumeByWho(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const { topic } = decodeQueryTopicConsumeByWhoRequestHeader(request.extFields);
  const groups = new Set([...context.consumers.groupsSubscribing(topic), ...context.offsets.groupsOfTopic(topic)]);
  return success(request, null, encodeGroupList([...groups]));
}
