import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { requiredInt, requiredString } from '../../protocol/headers/fields.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { DataPlaneContext } from '../data-plane/context.js';

/** GET_MIN_OFFSET (31): `topic*`, `queueId*:int` → ext `offset` = the first retained queue offset. */
export function handleGetMinOffset(ctx: DataPlaneContext, request: RemotingCommand): RemotingCommand {
  const topic = requiredString(request.extFields, 'topic');
  const queueId = requiredInt(request.extFields, 'queueId');
  const offset = ctx.reader.minOffset(topic, queueId);
  return createResponse(request, ResponseCode.SUCCESS, null, { offset: String(offset) });
}
