import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { encodeKvTable } from '../../protocol/bodies/route.js';
import {
  decodeGetKvListByNamespaceRequestHeader, decodeKvConfigKeyRequestHeader, decodePutKvConfigRequestHeader,
  encodeGetKvConfigResponseHeader,
} from '../../protocol/headers/namesrv.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { NamesrvContext } from './context.js';

/**
 * PUT_KV_CONFIG (100), GET_KV_CONFIG (101), DELETE_KV_CONFIG (102),
 * GET_KVLIST_BY_NAMESPACE (219), reference §2.5. Missing entries answer QUERY_NOT_FOUND (22).
 */

export function putKvConfig(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodePutKvConfigRequestHeader(request.extFields);
  context.kv.put(header.namespace, header.key, header.value);
  return createResponse(request, ResponseCode.SUCCESS);
}

export function getKvConfig(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeKvConfigKeyRequestHeader(request.extFields);
  const value = context.kv.get(header.namespace, header.key);
  if (value === undefined) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND,
      `No config item, Namespace: ${header.namespace} Key: ${header.key}`);
  }
  return createResponse(request, ResponseCode.SUCCESS, null, encodeGetKvConfigResponseHeader({ value }));
}

export function deleteKvConfig(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeKvConfigKeyRequestHeader(request.extFields);
  context.kv.delete(header.namespace, header.key);
  return createResponse(request, ResponseCode.SUCCESS);
}

export function getKvListByNamespace(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeGetKvListByNamespaceRequestHeader(request.extFields);
  const table = context.kv.list(header.namespace);
  if (table === undefined) {
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${header.namespace}`);
  }
  return createResponse(request, ResponseCode.SUCCESS, null, null, encodeKvTable({ table }));
}
