import type { RemotingCommand } from '../../protocol/command.js';
import { toFastjson } from '../../protocol/fastjson.js';
import { decodeGetTopicStatsInfoRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, jsonBody, success } from './context.js';
import type { MessageQueueJson } from './message-queue-json.js';
import { messageQueue } from './message-queue-json.js';

interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

/**
 * GET_TOPIC_STATS_INFO (202): `topic*` → TopicStatsTable `{"offsetTable":{<mq>:{"lastUpdateTimestamp",
 * "maxOffset","minOffset"}}}` for queue ids below writeQueueNums; lastUpdateTimestamp is the
 * store time of the newest message (0 when empty). TOPIC_NOT_EXIST for an unknown topic.
 */
export async function getTopicStatsInfo(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const { topic } = decodeGetTopicStatsInfoRequestHeader(request.extFields);
  const config = context.topics.get(topic);
  if (config === undefined) return failure(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
  const brokerName = context.brokerConfig.current().brokerName;
  const offsetTable = new Map<MessageQueueJson, TopicOffset>();
  for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
    const minOffset = Math.max(0, context.store.minOffset(topic, queueId));
    const maxOffset = Math.max(0, context.store.maxOffset(topic, queueId));
    const lastUpdateTimestamp = maxOffset > 0 ? await context.store.storeTimestamp(topic, queueId, maxOffset - 1) : 0;
    offsetTable.set(messageQueue(topic, brokerName, queueId), { lastUpdateTimestamp, maxOffset, minOffset });
  }
  return success(request, null, jsonBody(toFastjson({ offsetTable })));
}
