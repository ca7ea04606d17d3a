import { getProperties } from 'properties-file';
import type { RemotingCommand } from '../../protocol/command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/**
 * UPDATE_BROKER_CONFIG (25): body = properties text. Validated by the startup schema (unknown
 * keys and bad values → SYSTEM_ERROR), blacklisted keys → NO_PERMISSION; accepted changes are
 * persisted and, for `brokerPermission`, re-registered with the NameServers.
 */
export function updateBrokerConfig(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  if (request.body === null || request.body.length === 0) return success(request);
  const properties = getProperties(request.body.toString('utf8'));
  const result = context.brokerConfig.update(properties);
  switch (result.status) {
    case 'ok':
      context.logger.info({ changedKeys: result.changedKeys }, 'broker config updated');
      return success(request);
    case 'forbidden':
      return failure(request, ResponseCode.NO_PERMISSION, `Can not update config in black list: ${result.key}`);
    case 'invalid':
      return failure(request, ResponseCode.SYSTEM_ERROR, result.message);
  }
}
