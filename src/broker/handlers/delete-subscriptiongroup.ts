import type { RemotingCommand } from '../../protocol/command.js';
import { decodeDeleteSubscriptionGroupRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { SLAVE_WRITE_REMARK, failure, isSlave, success } from './context.js';

/** DELETE_SUBSCRIPTIONGROUP (207): `groupName*`, `removeOffset` → SUCCESS (also when absent). */
export function deleteSubscriptiongroup(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const { groupName: group, removeOffset } = decodeDeleteSubscriptionGroupRequestHeader(request.extFields);
  if (isSlave(context)) return failure(request, ResponseCode.SYSTEM_ERROR, SLAVE_WRITE_REMARK);
  context.groups.delete(group);
  if (removeOffset === true) context.offsets.removeGroup(group);
  return success(request);
}
