import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { requiredInt, requiredString } from '../../protocol/headers/fields.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { DataPlaneContext } from '../data-plane/context.js';

/**
 * GET_MAX_OFFSET (30): `topic*`, `queueId*:int` → ext `offset` = the queue's max offset (the next
 * offset to be assigned; 0 for an unknown queue). Read from shared memory, no store round trip.
 */
export function handleGetMaxOffset(ctx: DataPlaneContext, request: RemotingCommand): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  const queueId = requiredInt(request.extFields, 'queueId');
  const offset = ctx.reader.maxOffset(topic, queueId);
  return createResponse(request, ResponseCode.SUCCESS, null, { offset: String(offset) });
}
