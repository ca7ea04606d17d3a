import type { RemotingCommand } from '../../protocol/command.js';
import type { TopicOffset } from '../../protocol/bodies/admin.js';
import { encodeTopicStatsTable } from '../../protocol/bodies/admin.js';
import type { MessageQueue } from '../../protocol/bodies/client.js';
import { decodeGetTopicStatsInfoRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

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
  const offsetTable: Array<[MessageQueue, TopicOffset]> = [];
  for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
    const minOffset = Math.max(0, context.store.minOffset(topic, queueId));
    const maxOffset = Math.max(0, context.store.maxOffset(topic, queueId));
    const lastUpdateTimestamp = maxOffset > 0 ? await context.store.storeTimestamp(topic, queueId, maxOffset - 1) : 0;
    offsetTable.push([{ topic, brokerName, queueId }, { lastUpdateTimestamp, maxOffset, minOffset }]);
  }
  return success(request, null, encodeTopicStatsTable({ offsetTable }));
}
