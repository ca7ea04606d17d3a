import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { requiredInt, requiredString } from '../../protocol/headers/fields.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { DataPlaneContext } from '../data-plane/context.js';

/**
 * GET_EARLIEST_MSG_STORETIME (32): `topic*`, `queueId*:int` → ext `timestamp` = store time of the
 * queue's first retained message (0 when empty).
 */
export async function handleGetEarliestMsgStoretime(
  ctx: DataPlaneContext, request: RemotingCommand,
): Promise<RemotingCommand> {
  const topic = requiredString(request.extFields, 'topic');
  const queueId = requiredInt(request.extFields, 'queueId');
  const timestamp = await ctx.reader.earliestStoreTime(topic, queueId);
  return createResponse(request, ResponseCode.SUCCESS, null, { timestamp: String(timestamp) });
}
