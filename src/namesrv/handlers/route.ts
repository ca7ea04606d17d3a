import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { type JsonDialect, encodeClusterInfo, encodeTopicRouteData } from '../../protocol/bodies/route.js';
import { decodeGetRouteInfoRequestHeader } from '../../protocol/headers/namesrv.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../kv-config.js';
import type { NamesrvContext } from './context.js';

/**
 * GET_ROUTEINFO_BY_TOPIC (105) and GET_BROKER_CLUSTER_INFO (106), reference §2.5 and §1.6.
 * Route bodies are standard JSON for requests of version >= V4_9_4 (401) or with
 * acceptStandardJsonOnly=true, and fastjson's bare numeric keys otherwise, as a Java 4.9.8
 * NameServer does. ali-ons (version 121) parses the bare form with JSON2 (eval), Java clients
 * with fastjson; both forms name the same data.
 */
const VERSION_STANDARD_JSON = 401;

const FAQ_SUGGESTION = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

export function getRouteInfoByTopic(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeGetRouteInfoRequestHeader(request.extFields);
  const route = context.routes.topicRoute(header.topic);
  if (route === undefined) {
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST,
      `No topic route info in name server for the topic: ${header.topic}${FAQ_SUGGESTION}`);
  }
  if (context.config().orderMessageEnable) {
    route.orderTopicConf = context.kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, header.topic);
  }
  const dialect: JsonDialect = request.version >= VERSION_STANDARD_JSON || header.acceptStandardJsonOnly === true
    ? 'standard'
    : 'fastjson';
  return createResponse(request, ResponseCode.SUCCESS, null, null, encodeTopicRouteData(route, dialect));
}

export function getBrokerClusterInfo(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, null, null, encodeClusterInfo(context.routes.clusterInfo()));
}
