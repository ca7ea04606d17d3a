import type { RemotingCommand } from '../../protocol/command.js';
import { parseObjectBody, readString } from '../../protocol/bodies/json-read.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { readGroupConfig } from '../subscription-group-manager.js';
import type { ControlContext } from './context.js';
import { SLAVE_WRITE_REMARK, failure, isSlave, success } from './context.js';

/** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200): body = SubscriptionGroupConfig JSON → SUCCESS. */
export function updateAndCreateSubscriptiongroup(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): RemotingCommand {
  if (isSlave(context)) return failure(request, ResponseCode.SYSTEM_ERROR, SLAVE_WRITE_REMARK);
  const object = parseObjectBody(request.body, 'SubscriptionGroupConfig');
  const groupName = readString(object, 'groupName');
  const config = groupName === '' ? null : readGroupConfig(groupName, object);
  if (config === null) return failure(request, ResponseCode.SYSTEM_ERROR, 'groupName is missing');
  context.groups.upsert(config);
  return success(request);
}
