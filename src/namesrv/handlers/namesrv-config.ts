import { getProperties } from 'properties-file';
import { formatConfig } from '../../common/config/load.js';
import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { NAMESRV_CONFIG_BLACKLIST } from '../config.js';
import type { NamesrvContext } from './context.js';

/**
 * GET_NAMESRV_CONFIG (319): body = the effective config as properties text.
 * UPDATE_NAMESRV_CONFIG (318): body = `key=value` lines; blacklisted keys answer NO_PERMISSION,
 * unknown keys or bad values SYSTEM_ERROR naming the key. Changes live in memory only.
 */

export function getNamesrvConfig(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, null, null,
    Buffer.from(`${formatConfig(context.config())}\n`, 'utf8'));
}

export function updateNamesrvConfig(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  if (request.body === null || request.body.length === 0) return createResponse(request, ResponseCode.SUCCESS);
  const changes = getProperties(request.body.toString('utf8'));
  const forbidden = Object.keys(changes).filter((key) => NAMESRV_CONFIG_BLACKLIST.includes(key));
  if (forbidden.length > 0) {
    context.logger.warn({ keys: forbidden }, 'UPDATE_NAMESRV_CONFIG refused blacklisted keys');
    return createResponse(request, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
  }
  context.updateConfig(changes);
  context.logger.info({ changes }, 'namesrv config updated');
  return createResponse(request, ResponseCode.SUCCESS);
}
