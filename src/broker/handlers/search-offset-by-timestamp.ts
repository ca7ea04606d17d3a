import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { requiredInt, requiredLong, requiredString } from '../../protocol/headers/fields.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { DataPlaneContext } from '../data-plane/context.js';

/**
 * SEARCH_OFFSET_BY_TIMESTAMP (29): `topic*`, `queueId*:int`, `timestamp*:long` → ext `offset`:
 * the store's binary search over the consume queue by store time (exact match, else the
 * closer neighbour; 0 when nothing).
 */
export async function handleSearchOffsetByTimestamp(
  ctx: DataPlaneContext, request: RemotingCommand,
): Promise<RemotingCommand> {
  const topic = requiredString(request.extFields, 'topic');
  const queueId = requiredInt(request.extFields, 'queueId');
  const timestampMs = requiredLong(request.extFields, 'timestamp');
  const offset = await ctx.reader.offsetByTimestamp(topic, queueId, timestampMs);
  return createResponse(request, ResponseCode.SUCCESS, null, { offset: String(offset) });
}
