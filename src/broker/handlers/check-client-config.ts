import { compileSql92 } from '../../filter/sql92.js';
import type { RemotingCommand } from '../../protocol/command.js';
import { subscriptionDataFromJson } from '../../protocol/bodies/client.js';
import { parseObjectBody } from '../../protocol/bodies/json-read.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/**
 * CHECK_CLIENT_CONFIG (46, reference §2.6): body `{"clientId","group","subscriptionData":{...}}`,
 * sent by a consumer at start for each non-TAG subscription. As RocketMQ's ClientManageProcessor:
 * TAG (or no subscription) → SUCCESS; otherwise SYSTEM_ERROR while enablePropertyFilter=false,
 * and SUBSCRIPTION_PARSE_FAILED with the compile error when the SQL92 expression is refused.
 */
export function checkClientConfig(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const body = parseObjectBody(request.body, 'CheckClientRequestBody');
  const value = body['subscriptionData'];
  if (value === undefined || value === null) return success(request);
  const { expressionType, subString } = subscriptionDataFromJson(value);
  if (expressionType === 'TAG') return success(request);
  if (!context.brokerConfig.current().enablePropertyFilter) {
    return failure(request, ResponseCode.SYSTEM_ERROR,
      `The broker does not support consumer to filter message by ${expressionType}`);
  }
  if (expressionType !== 'SQL92') {
    return failure(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED,
      `expression type ${expressionType} is not supported by this broker`);
  }
  const compiled = compileSql92(subString);
  return compiled.ok ? success(request) : failure(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, compiled.error);
}
