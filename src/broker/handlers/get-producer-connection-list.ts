import type { RemotingCommand } from '../../protocol/command.js';
import { encodeProducerConnection } from '../../protocol/bodies/admin.js';
import { decodeGetProducerConnectionListRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';
import { connectionOf } from './get-consumer-connection-list.js';

/** GET_PRODUCER_CONNECTION_LIST (204): `producerGroup*` → `{"connectionSet":[Connection]}` or code 1. */
export function getProducerConnectionList(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const group = decodeGetProducerConnectionListRequestHeader(request.extFields).producerGroup;
  const clients = context.producers.clients(group);
  if (clients.length === 0) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `the producer group[${group}] not exist`);
  }
  return success(request, null, encodeProducerConnection(clients.map(connectionOf)));
}
