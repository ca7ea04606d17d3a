import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { requiredInt, requiredLong, requiredString } from '../../protocol/headers/fields.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { DataPlaneContext } from '../data-plane/context.js';

/** RocketMQ's defaultQueryMaxNum (forced for unique-key queries) and maxMsgsNumBatch (cap). */
const DEFAULT_QUERY_MAX_NUM = 32;
const QUERY_MAX_NUM_CAP = 64;

/**
 * QUERY_MESSAGE (12): `topic*`, `key*`, `maxNum*:int`, `beginTimestamp*:long`,
 * `endTimestamp*:long`, plus ext `_UNIQUE_KEY_QUERY` ("true" forces maxNum to 32). Looks the key up
 * in the index (KEYS tokens and UNIQ_KEY) → body = the matching raw records, ext
 * `indexLastUpdateTimestamp`, `indexLastUpdatePhyoffset`; QUERY_NOT_FOUND when nothing matches.
 */
export async function handleQueryMessage(
  ctx: DataPlaneContext, request: RemotingCommand,
): Promise<RemotingCommand> {
  const ext = request.extFields;
  const topic = requiredString(ext, 'topic');
  const key = requiredString(ext, 'key');
  const uniqueKeyQuery = ext?.['_UNIQUE_KEY_QUERY'] === 'true';
  const maxNum = uniqueKeyQuery ? DEFAULT_QUERY_MAX_NUM : requiredInt(ext, 'maxNum');
  const beginMs = requiredLong(ext, 'beginTimestamp');
  const endMs = requiredLong(ext, 'endTimestamp');
  const maxCount = Math.max(1, Math.min(maxNum, QUERY_MAX_NUM_CAP));
  const result = await ctx.reader.queryByKey(topic, key, maxCount, beginMs, endMs);
  const extFields = {
    indexLastUpdateTimestamp: String(result.indexLastUpdateTimestamp),
    indexLastUpdatePhyoffset: String(result.indexLastUpdatePhyoffset),
  };
  if (result.messageCount === 0 || result.body === null) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND,
      'can not find message, maybe time range not correct', extFields);
  }
  return createResponse(request, ResponseCode.SUCCESS, null, extFields, result.body);
}
