import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel, RequestHandler } from '../../remoting/channel.js';
import { queryDataVersion, registerBroker, unregisterBroker } from './broker-registration.js';
import type { NamesrvContext, NamesrvHandler } from './context.js';
import { deleteKvConfig, getKvConfig, getKvListByNamespace, putKvConfig } from './kv-config.js';
import { getNamesrvConfig, updateNamesrvConfig } from './namesrv-config.js';
import { getBrokerClusterInfo, getRouteInfoByTopic } from './route.js';
import {
  addWritePerm, deleteTopic, getAllTopicList, getSystemTopicList, getTopicsByCluster, wipeWritePerm,
} from './topics.js';

/** Request code → handler. Codes not listed answer REQUEST_CODE_NOT_SUPPORTED (reference §1.7). */
export const namesrvHandlers: ReadonlyMap<number, NamesrvHandler> = new Map<number, NamesrvHandler>([
  [RequestCode.REGISTER_BROKER, registerBroker],
  [RequestCode.UNREGISTER_BROKER, unregisterBroker],
  [RequestCode.QUERY_DATA_VERSION, queryDataVersion],
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, getRouteInfoByTopic],
  [RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, getAllTopicList],
  [RequestCode.GET_TOPICS_BY_CLUSTER, getTopicsByCluster],
  [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, getSystemTopicList],
  [RequestCode.DELETE_TOPIC_IN_NAMESRV, deleteTopic],
  [RequestCode.WIPE_WRITE_PERM_OF_BROKER, wipeWritePerm],
  [RequestCode.ADD_WRITE_PERM_OF_BROKER, addWritePerm],
  [RequestCode.PUT_KV_CONFIG, putKvConfig],
  [RequestCode.GET_KV_CONFIG, getKvConfig],
  [RequestCode.DELETE_KV_CONFIG, deleteKvConfig],
  [RequestCode.GET_KVLIST_BY_NAMESPACE, getKvListByNamespace],
  [RequestCode.GET_NAMESRV_CONFIG, getNamesrvConfig],
  [RequestCode.UPDATE_NAMESRV_CONFIG, updateNamesrvConfig],
]);

/** The NameServer's RequestHandler for the remoting server. Handler throws become SYSTEM_ERROR there. */
export function createNamesrvRequestHandler(context: NamesrvContext): RequestHandler {
  return (request: RemotingCommand, channel: Channel) => {
    const handler = namesrvHandlers.get(request.code);
    if (handler === undefined) {
      return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
        ` request type ${request.code} not supported`);
    }
    return handler(request, channel, context);
  };
}
