import type { RemotingCommand } from '../../protocol/command.js';
import { encodeConsumerIdList } from '../../protocol/bodies/client.js';
import { decodeGetConsumerListByGroupRequestHeader } from '../../protocol/headers/consumer.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/** GET_CONSUMER_LIST_BY_GROUP (38): `consumerGroup*` → `{"consumerIdList":[...]}` or code 1. */
export function getConsumerListByGroup(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const group = decodeGetConsumerListByGroupRequestHeader(request.extFields).consumerGroup;
  const clientIds = context.consumers.clientIds(group);
  if (clientIds.length === 0) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${group}`);
  }
  return success(request, null, encodeConsumerIdList(clientIds));
}
