import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { encodeTopicList } from '../../protocol/bodies/route.js';
import {
  decodeBrokerNameRequestHeader, decodeDeleteTopicFromNamesrvRequestHeader, decodeGetTopicsByClusterRequestHeader,
  encodeAddWritePermOfBrokerResponseHeader, encodeWipeWritePermOfBrokerResponseHeader,
} from '../../protocol/headers/namesrv.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { NamesrvContext } from './context.js';

/**
 * Topic lists and topic/permission administration, reference §2.5:
 * GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), GET_TOPICS_BY_CLUSTER (224),
 * GET_SYSTEM_TOPIC_LIST_FROM_NS (304), DELETE_TOPIC_IN_NAMESRV (216),
 * WIPE_WRITE_PERM_OF_BROKER (205), ADD_WRITE_PERM_OF_BROKER (327).
 */

export function getAllTopicList(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, null, null,
    encodeTopicList({ topicList: context.routes.allTopics() }));
}

export function getTopicsByCluster(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeGetTopicsByClusterRequestHeader(request.extFields);
  return createResponse(request, ResponseCode.SUCCESS, null, null,
    encodeTopicList({ topicList: context.routes.topicsOfCluster(header.cluster) }));
}

export function getSystemTopicList(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, null, null, encodeTopicList(context.routes.systemTopics()));
}

export function deleteTopic(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeDeleteTopicFromNamesrvRequestHeader(request.extFields);
  context.routes.deleteTopic(header.topic, header.clusterName);
  context.logger.info({ topic: header.topic, clusterName: header.clusterName }, 'topic deleted');
  return createResponse(request, ResponseCode.SUCCESS);
}

export function wipeWritePerm(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeBrokerNameRequestHeader(request.extFields);
  const wipeTopicCount = context.routes.changeWritePerm(header.brokerName, 'wipe');
  context.logger.info({ brokerName: header.brokerName, wipeTopicCount }, 'write permission wiped');
  return createResponse(request, ResponseCode.SUCCESS, null,
    encodeWipeWritePermOfBrokerResponseHeader({ wipeTopicCount }));
}

export function addWritePerm(request: RemotingCommand, _channel: Channel, context: NamesrvContext): RemotingCommand {
  const header = decodeBrokerNameRequestHeader(request.extFields);
  const addTopicCount = context.routes.changeWritePerm(header.brokerName, 'add');
  context.logger.info({ brokerName: header.brokerName, addTopicCount }, 'write permission added');
  return createResponse(request, ResponseCode.SUCCESS, null,
    encodeAddWritePermOfBrokerResponseHeader({ addTopicCount }));
}
