import type { RemotingCommand } from '../../protocol/command.js';
import type { Connection } from '../../protocol/bodies/admin.js';
import { encodeConsumerConnection } from '../../protocol/bodies/admin.js';
import { decodeGetConsumerConnectionListRequestHeader } from '../../protocol/headers/admin.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ClientChannelInfo } from '../consumer-manager.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/** A Connection as admin bodies carry it (reference §2.6). */
export function connectionOf(client: ClientChannelInfo): Connection {
  return {
    clientAddr: client.channel.remoteAddress, clientId: client.clientId, language: client.language,
    version: client.version,
  };
}

/**
 * GET_CONSUMER_CONNECTION_LIST (203): `consumerGroup*` → ConsumerConnection (connections,
 * subscriptions, consume type, model, consume-from-where); CONSUMER_NOT_ONLINE when the group
 * has no consumer.
 */
export function getConsumerConnectionList(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  const group = decodeGetConsumerConnectionListRequestHeader(request.extFields).consumerGroup;
  const info = context.consumers.get(group);
  if (info === undefined) {
    return failure(request, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${group}] not online`);
  }
  return success(request, null, encodeConsumerConnection({
    connectionSet: [...info.channels.values()].map(connectionOf),
    consumeFromWhere: info.consumeFromWhere,
    consumeType: info.consumeType,
    messageModel: info.messageModel,
    subscriptionTable: Object.fromEntries(info.subscriptions),
  }));
}
