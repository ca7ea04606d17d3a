import type { RemotingCommand } from '../../protocol/command.js';
import type { OffsetWrapper } from '../../protocol/bodies/admin.js';
import { encodeConsumeStats } from '../../protocol/bodies/admin.js';
import type { MessageQueue } from '../../protocol/bodies/client.js';
import { decodeGetConsumeStatsRequestHeader } from '../../protocol/headers/admin.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/**
 * GET_CONSUME_STATS (208, reference §2.6): `consumerGroup*`, `topic` (blank: every topic the
 * group has offsets on) → ConsumeStats `{"consumeTps":n,"offsetTable":{<mq>:{"brokerOffset",
 * "consumerOffset","lastTimestamp"}}}` over queue ids below readQueueNums. Topics without config,
 * and topics an online group does not subscribe to, are skipped (as Java does).
 */
export async function getConsumeStats(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const header = decodeGetConsumeStatsRequestHeader(request.extFields);
  const group = header.consumerGroup;
  const topic = header.topic ?? '';
  const topics = topic.trim() === '' ? context.offsets.topicsOfGroup(group) : [topic];
  const brokerName = context.brokerConfig.current().brokerName;
  const online = context.consumers.get(group);
  const offsetTable: Array<[MessageQueue, OffsetWrapper]> = [];
  for (const name of topics) {
    const config = context.topics.get(name);
    if (config === undefined) continue;
    if (online !== undefined && online.subscriptions.size > 0 && !online.subscriptions.has(name)) continue;
    for (let queueId = 0; queueId < config.readQueueNums; queueId++) {
      const brokerOffset = Math.max(0, context.store.maxOffset(name, queueId));
      const consumerOffset = Math.max(0, context.offsets.queryOffset(group, name, queueId));
      const lastTimestamp = consumerOffset > 0 ? await context.store.storeTimestamp(name, queueId, consumerOffset - 1) : 0;
      offsetTable.push([{ topic: name, brokerName, queueId }, { brokerOffset, consumerOffset, pullOffset: consumerOffset, lastTimestamp }]);
    }
  }
  return success(request, null, encodeConsumeStats({ consumeTps: 0, offsetTable }));
}
