import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { type DataPlaneContext, brokerAddressOf } from './context.js';
import type { TopicView } from './ports.js';
import type { SendRequestHeader } from './send-header.js';
import {
  Perm, isInherited, isNotAllowedSendTopic, isRetryTopic, isWriteable, topicNameProblem,
} from './topic-rules.js';

/**
 * The checks every send makes before touching the message (reference §2.3 steps 1-5): broker
 * accepting sends, broker role and permission, topic name, forbidden system topics, then the
 * topic lookup with auto-creation from the default topic (TBW102) through the control plane,
 * and the queue choice. Answers a refusal as a reply, or the topic and queue to store into.
 */
export interface SendRoute {
  readonly topic: string;
  readonly topicView: TopicView;
  readonly queueId: number;
}

export type SendRouteResult = { readonly route: SendRoute } | { readonly refused: RemotingCommand };

const FAQ_URL = 'http://rocketmq.apache.org/docs/faq/';

export function checkSendAllowed(
  ctx: DataPlaneContext, request: RemotingCommand, topic: string,
): RemotingCommand | null {
  const { config } = ctx;
  if (config.startAcceptSendRequestTimeStamp > ctx.clock.nowMs()) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR,
      `broker unable to service, until ${new Date(config.startAcceptSendRequestTimeStamp).toISOString()}`);
  }
  if (config.brokerRole === 'SLAVE') {
    return createResponse(request, ResponseCode.SERVICE_NOT_AVAILABLE,
      'the broker is a slave, sending is not allowed');
  }
  if (!isWriteable(config.brokerPermission)) {
    return createResponse(request, ResponseCode.NO_PERMISSION,
      `the broker[${brokerAddressOf(config)}] sending message is forbidden`);
  }
  const problem = topicNameProblem(topic);
  if (problem !== null) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, problem);
  if (isNotAllowedSendTopic(topic)) {
    return createResponse(request, ResponseCode.NO_PERMISSION, `Sending message to topic[${topic}] is forbidden.`);
  }
  return null;
}

/**
 * The topic and queue of a send. Synchronous when the topic is in this thread's table (every
 * send but a topic's first): only auto-creation asks the control plane, and only then is the
 * answer a promise, so the common path runs without a microtask hop.
 */
export function resolveSendRoute(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: SendRequestHeader,
): SendRouteResult | Promise<SendRouteResult> {
  const known = ctx.tables.topic(header.topic);
  if (known !== undefined) return routeTo(request, channel, header, known);
  return createTopic(ctx, channel, header).then((created) => routeTo(request, channel, header, created));
}

function routeTo(
  request: RemotingCommand, channel: Channel, header: SendRequestHeader, topicView: TopicView | null,
): SendRouteResult {
  if (topicView === null) {
    return refuse(request, ResponseCode.TOPIC_NOT_EXIST,
      `topic[${header.topic}] not exist, apply first please! ${FAQ_URL}`);
  }
  if (!isWriteable(topicView.perm)) {
    return refuse(request, ResponseCode.NO_PERMISSION,
      `the topic[${header.topic}] sending message is forbidden`);
  }
  const queueCount = Math.max(topicView.writeQueueNums, topicView.readQueueNums);
  if (header.queueId >= queueCount) {
    return refuse(request, ResponseCode.SYSTEM_ERROR,
      `request queueId[${header.queueId}] is illegal, topic:[${header.topic}] writeQueueNums:[${topicView.writeQueueNums}] readQueueNums:[${topicView.readQueueNums}] producer:[${channel.remoteAddress}]`);
  }
  const queueId = header.queueId < 0 ? randomQueue(topicView.writeQueueNums) : header.queueId;
  return { route: { topic: header.topic, topicView, queueId } };
}

/** Retry topics are created with one queue; others from the default topic when it inherits. */
async function createTopic(ctx: DataPlaneContext, channel: Channel, header: SendRequestHeader): Promise<TopicView | null> {
  if (isRetryTopic(header.topic)) {
    return ctx.control.createSystemTopic(header.topic, 1, Perm.READ | Perm.WRITE);
  }
  const defaultView = ctx.tables.topic(header.defaultTopic);
  if (!ctx.config.autoCreateTopicEnable || defaultView === undefined || !isInherited(defaultView.perm)) {
    return null;
  }
  return ctx.control.createTopicFromDefault(header.topic, header.defaultTopic, header.defaultTopicQueueNums,
    0, channel.remoteAddress);
}

export function randomQueue(queueCount: number): number {
  return queueCount <= 0 ? 0 : Math.floor(Math.random() * queueCount);
}

function refuse(request: RemotingCommand, code: number, remark: string): SendRouteResult {
  return { refused: createResponse(request, code, remark) };
}
