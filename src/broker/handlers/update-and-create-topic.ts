import type { RemotingCommand } from '../../protocol/command.js';
import { TopicFilterType } from '../../protocol/bodies/route.js';
import { decodeCreateTopicRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { newTopicConfig } from '../topic-config-manager.js';
import { topicNameProblem } from '../data-plane/topic-rules.js';
import type { ControlContext } from './context.js';
import { SLAVE_WRITE_REMARK, failure, isSlave, success } from './context.js';

/** Bounds an admin may ask for; RocketMQ has none, but a queue is a file set per queue id. */
export const TOPIC_QUEUE_NUMS_MAX = 1024;

/**
 * UPDATE_AND_CREATE_TOPIC (17, reference §2.6): `topic*`, `readQueueNums*`, `writeQueueNums*`,
 * `perm*`, `topicFilterType`, `topicSysFlag`, `order` → SUCCESS. Refused on a slave, for an
 * illegal name or a system topic. The change persists topics.json and re-registers with every
 * NameServer at once (through the topic table's change event).
 */
export function updateAndCreateTopic(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const header = decodeCreateTopicRequestHeader(request.extFields);
  const { topic, readQueueNums, writeQueueNums } = header;
  if (isSlave(context)) return failure(request, ResponseCode.SYSTEM_ERROR, SLAVE_WRITE_REMARK);
  const problem = topicNameProblem(topic);
  if (problem !== null) return failure(request, ResponseCode.SYSTEM_ERROR, problem);
  if (context.topics.isSystemTopic(topic)) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `The topic[${topic}] is conflict with system topic.`);
  }
  for (const nums of [readQueueNums, writeQueueNums]) {
    if (nums < 0 || nums > TOPIC_QUEUE_NUMS_MAX) {
      return failure(request, ResponseCode.SYSTEM_ERROR, `queue numbers must be 0..${TOPIC_QUEUE_NUMS_MAX}`);
    }
  }
  const filter = header.topicFilterType === TopicFilterType.MULTI_TAG
    ? TopicFilterType.MULTI_TAG : TopicFilterType.SINGLE_TAG;
  context.topics.upsert(newTopicConfig(topic, {
    readQueueNums, writeQueueNums, perm: header.perm, topicFilterType: filter,
    topicSysFlag: header.topicSysFlag ?? 0, order: header.order,
  }));
  return success(request);
}
