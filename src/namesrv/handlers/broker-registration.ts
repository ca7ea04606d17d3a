import { crc32 } from 'node:zlib';
import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import {
  type DataVersion, decodeDataVersion, decodeRegisterBrokerBody, decodeTopicConfigSerializeWrapper,
  encodeDataVersion, encodeKvTable,
} from '../../protocol/bodies/route.js';
import {
  decodeQueryDataVersionRequestHeader, decodeRegisterBrokerRequestHeader, decodeUnregisterBrokerRequestHeader,
  encodeQueryDataVersionResponseHeader, encodeRegisterBrokerResponseHeader,
} from '../../protocol/headers/namesrv.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../kv-config.js';
import type { NamesrvContext } from './context.js';

/**
 * REGISTER_BROKER (103), UNREGISTER_BROKER (104), QUERY_DATA_VERSION (322), reference §2.5.
 */

/** MQVersion V3_0_11: from this request version on, the body is a RegisterBrokerBody. */
const VERSION_REGISTER_BODY = 37;

export function registerBroker(request: RemotingCommand, channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeRegisterBrokerRequestHeader(request.extFields);
  const body = request.body;
  if (header.bodyCrc32 !== undefined && header.bodyCrc32 !== 0 && body !== null) {
    const actualCrc32 = crc32(body) & 0x7fffffff;
    if (actualCrc32 !== header.bodyCrc32) {
      context.logger.warn({ brokerAddr: header.brokerAddr, expected: header.bodyCrc32, actualCrc32 },
        'register broker body crc32 mismatch');
      return createResponse(request, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
    }
  }
  const wrapper = request.version >= VERSION_REGISTER_BODY
    ? decodeRegisterBrokerBody(body, header.compressed === true).topicConfigSerializeWrapper
    : bareWrapper(body);
  const result = context.routes.registerBroker({
    clusterName: header.clusterName, brokerAddr: header.brokerAddr, brokerName: header.brokerName,
    brokerId: header.brokerId, haServerAddr: header.haServerAddr, dataVersion: wrapper.dataVersion,
    topicConfigTable: wrapper.topicConfigTable, channel,
  }, context.clock.nowMs());
  const orderTopicConfig = context.kv.list(NAMESPACE_ORDER_TOPIC_CONFIG);
  return createResponse(request, ResponseCode.SUCCESS, null,
    encodeRegisterBrokerResponseHeader(result),
    orderTopicConfig === undefined ? null : encodeKvTable({ table: orderTopicConfig }));
}

/** Brokers older than V3_0_11 send a bare TopicConfigSerializeWrapper (or nothing). */
function bareWrapper(body: Buffer | null): ReturnType<typeof decodeTopicConfigSerializeWrapper> {
  if (body === null || body.length === 0) return { dataVersion: { counter: 0, timestamp: 0 }, topicConfigTable: {} };
  return decodeTopicConfigSerializeWrapper(body);
}

export function unregisterBroker(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeUnregisterBrokerRequestHeader(request.extFields);
  context.routes.unregisterBroker(header);
  return createResponse(request, ResponseCode.SUCCESS);
}

export function queryDataVersion(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeQueryDataVersionRequestHeader(request.extFields);
  const dataVersion: DataVersion = decodeDataVersion(request.body);
  const changed = context.routes.dataVersionChanged(header.brokerAddr, dataVersion);
  if (!changed) context.routes.touch(header.brokerAddr, context.clock.nowMs());
  const stored = context.routes.liveInfo(header.brokerAddr)?.dataVersion;
  return createResponse(request, ResponseCode.SUCCESS, null,
    encodeQueryDataVersionResponseHeader({ changed }),
    stored === undefined ? null : encodeDataVersion(stored));
}
