import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { requiredLong } from '../../protocol/headers/fields.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { DataPlaneContext } from '../data-plane/context.js';

/**
 * VIEW_MESSAGE_BY_ID (33): `offset*:long` (the commit-log physical offset decoded from an offset
 * msgId) → body = that one raw record, byte for byte as stored; SYSTEM_ERROR when there is none.
 */
export async function handleViewMessageById(
  ctx: DataPlaneContext, request: RemotingCommand,
): Promise<RemotingCommand> {
  const physicalOffset = requiredLong(request.extFields, 'offset');
  const record = physicalOffset < 0 ? null : await ctx.reader.readRecord(physicalOffset);
  if (record === null) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR,
      `can not find message by the offset, ${physicalOffset}`);
  }
  return createResponse(request, ResponseCode.SUCCESS, null, null, record);
}
