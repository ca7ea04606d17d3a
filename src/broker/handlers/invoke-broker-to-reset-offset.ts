import type { RemotingCommand } from '../../protocol/command.js';
import { createRequest } from '../../protocol/command.js';
import { encodeResetOffsetBody } from '../../protocol/bodies/admin.js';
import type { MessageQueue } from '../../protocol/bodies/client.js';
import { decodeResetOffsetRequestHeader, encodeResetOffsetRequestHeader } from '../../protocol/headers/admin.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { sendOneway } from '../client-notify.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (222, reference §2.6): `topic*`, `group*`, `timestamp*`
 * (-1 = max offset), `isForce*`. Per queue below writeQueueNums the target is the offset for the
 * timestamp; the new offset is the target when forced or when it is behind the committed one.
 * RESET_CONSUMER_CLIENT_OFFSET goes oneway to every online consumer of the group. Petrel also
 * commits the new offsets itself, so clients that ignore broker requests (ali-ons) restart from
 * them. Errors: no topic / no committed offset → SYSTEM_ERROR; group offline → CONSUMER_NOT_ONLINE.
 */
export async function invokeBrokerToResetOffset(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const header = decodeResetOffsetRequestHeader(request.extFields);
  const { topic, group, isForce } = header;
  const timestampMs = header.timestamp;
  const config = context.topics.get(topic);
  if (config === undefined) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`);
  }
  const brokerName = context.brokerConfig.current().brokerName;
  const offsetTable: Array<[MessageQueue, number]> = [];
  const newOffsets: Array<[number, number]> = [];
  for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
    const committed = context.offsets.queryOffset(group, topic, queueId);
    if (committed === -1) {
      return failure(request, ResponseCode.SYSTEM_ERROR, `THe consumer group <${group}> not exist`);
    }
    const target = timestampMs === -1
      ? context.store.maxOffset(topic, queueId)
      : Math.max(0, await context.store.searchOffsetByTimestamp(topic, queueId, timestampMs));
    const next = isForce || target < committed ? target : committed;
    offsetTable.push([{ topic, brokerName, queueId }, next]);
    newOffsets.push([queueId, next]);
  }
  const channels = [...(context.consumers.get(group)?.channels.values() ?? [])].map((client) => client.channel);
  if (channels.length === 0) {
    return failure(request, ResponseCode.CONSUMER_NOT_ONLINE,
      `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: ${timestampMs}`);
  }
  for (const [queueId, next] of newOffsets) context.offsets.commitOffset(group, topic, queueId, next);
  const body = encodeResetOffsetBody(offsetTable);
  const resetHeader = encodeResetOffsetRequestHeader(header);
  for (const channel of channels) {
    sendOneway(channel, createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, { ...resetHeader }, body));
  }
  return success(request, null, body);
}
