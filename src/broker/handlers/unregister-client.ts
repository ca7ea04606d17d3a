import type { RemotingCommand } from '../../protocol/command.js';
import { decodeUnregisterClientRequestHeader } from '../../protocol/headers/consumer.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/** UNREGISTER_CLIENT (35): `clientID*`, `producerGroup`, `consumerGroup` → SUCCESS. */
export function unregisterClient(request: RemotingCommand, channel: Channel, context: ControlContext): RemotingCommand {
  const { clientID, producerGroup, consumerGroup } = decodeUnregisterClientRequestHeader(request.extFields);
  if (producerGroup !== undefined) context.producers.unregister(producerGroup, clientID, channel);
  if (consumerGroup !== undefined) context.consumers.unregister(consumerGroup, clientID, channel);
  return success(request);
}
