import type { RemotingCommand } from '../../protocol/command.js';
import { decodeDeleteTopicRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { SLAVE_WRITE_REMARK, failure, isSlave, success } from './context.js';

/**
 * DELETE_TOPIC_IN_BROKER (215): `topic*` → SUCCESS. Drops the topic's config (re-registering
 * with the NameServers), its consume queues, and the groups' committed offsets on it.
 */
export async function deleteTopicInBroker(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const { topic } = decodeDeleteTopicRequestHeader(request.extFields);
  if (isSlave(context)) return failure(request, ResponseCode.SYSTEM_ERROR, SLAVE_WRITE_REMARK);
  if (context.topics.isSystemTopic(topic)) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `The topic[${topic}] is conflict with system topic.`);
  }
  context.topics.delete(topic);
  context.offsets.removeTopic(topic);
  await context.store.deleteTopic(topic);
  return success(request);
}
