import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { type BatchEntry, decodeBatch } from '../../protocol/batch.js';
import { MessageConst } from '../../protocol/message-const.js';
import {
  PROPERTY_SEPARATOR, appendProperty, findProperty, removeProperty,
} from '../../protocol/properties.js';
import { SysFlag } from '../../protocol/record-layout.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { BATCH_MESSAGES_MAX } from '../data-plane/bounds.js';
import type { DataPlaneContext } from '../data-plane/context.js';
import { type SendRequestHeader, decodeSendRequestOf } from '../data-plane/send-header.js';
import { type PreparedMessage, bornHostOf } from '../data-plane/send-prepare.js';
import { appendAndReply } from '../data-plane/send-reply.js';
import { type SendRoute, type SendRouteResult, checkSendAllowed, resolveSendRoute } from '../data-plane/send-route.js';
import { javaStringHashCode } from '../data-plane/tag-filter.js';
import { isRetryTopic } from '../data-plane/topic-rules.js';
import { messageSizeProblem } from './send-message.js';

/**
 * SEND_BATCH_MESSAGE (320), reference §2.3 and §3.6: the V2 header plus a body of batch entries.
 * Every entry becomes a full record in the same topic and queue (consecutive queue offsets, one
 * append); the batch-level properties are appended to each entry's (4.9.4+). Batches to retry
 * topics, with a delay or transactional are MESSAGE_ILLEGAL, as in RocketMQ.
 */
export function handleSendBatchMessage(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel,
): RemotingCommand | Promise<RemotingCommand> {
  const header = decodeSendRequestOf(request);
  const refused = checkSendAllowed(ctx, request, header.topic);
  if (refused !== null) return refused;
  if (isRetryTopic(header.topic)) {
    return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${header.topic}`);
  }
  const body = request.body;
  if (body === null || body.length === 0) {
    return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'the batch body is empty');
  }
  const sizeProblem = messageSizeProblem(ctx, body.length, header.properties);
  if (sizeProblem !== null) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, sizeProblem);
  const entries = decodeBatch(body);
  if (entries.length === 0 || entries.length > BATCH_MESSAGES_MAX) {
    return createResponse(request, ResponseCode.MESSAGE_ILLEGAL,
      `a batch holds 1 to ${BATCH_MESSAGES_MAX} messages, got ${entries.length}`);
  }
  const routed = resolveSendRoute(ctx, request, channel, header);
  if (routed instanceof Promise) {
    return routed.then((result) => sendBatchRouted(ctx, request, channel, header, entries, result));
  }
  return sendBatchRouted(ctx, request, channel, header, entries, routed);
}

function sendBatchRouted(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: SendRequestHeader,
  entries: readonly BatchEntry[], routed: SendRouteResult,
): RemotingCommand | Promise<RemotingCommand> {
  if ('refused' in routed) return routed.refused;
  const prepared = prepareEntries(ctx, header, routed.route, entries, channel);
  if (typeof prepared === 'string') return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, prepared);
  return appendAndReply(ctx, request, prepared);
}

/** The records of a batch, or a remark when an entry is not allowed in a batch. */
function prepareEntries(
  ctx: DataPlaneContext, header: SendRequestHeader, route: SendRoute, entries: readonly BatchEntry[],
  channel: Channel,
): PreparedMessage[] | string {
  if ((header.sysFlag & SysFlag.TRANSACTION_MASK) !== SysFlag.TRANSACTION_NOT_TYPE) {
    return 'batch message does not support transaction';
  }
  const bornHost = bornHostOf(channel.remoteAddress);
  let sysFlag = bornHost.v6 ? header.sysFlag | SysFlag.BORNHOST_V6 : header.sysFlag & ~SysFlag.BORNHOST_V6;
  if (route.topicView.topicFilterType === 'MULTI_TAG') sysFlag |= SysFlag.MULTI_TAGS;
  const batchProperties = removeProperty(header.properties, MessageConst.WAIT);
  const prepared: PreparedMessage[] = [];
  for (const entry of entries) {
    let text = removeProperty(entry.properties, MessageConst.WAIT);
    text = joinProperties(text, batchProperties);
    const delay = Number.parseInt(findProperty(text, MessageConst.DELAY) ?? '0', 10);
    if (delay > 0) return 'batch message does not support delay message';
    if (findProperty(text, MessageConst.TRAN_MSG) === 'true') return 'batch message does not support transaction';
    text = appendProperty(removeProperty(text, MessageConst.CLUSTER), MessageConst.CLUSTER, ctx.config.brokerClusterName);
    const tags = findProperty(text, MessageConst.TAGS);
    prepared.push({
      tagsCode: tags === undefined ? 0 : javaStringHashCode(tags),
      record: {
        topic: route.topic, queueId: route.queueId, flag: entry.flag, sysFlag,
        bornTimestampMs: header.bornTimestamp, bornHost: bornHost.bytes, reconsumeTimes: header.reconsumeTimes,
        preparedTransactionOffset: 0, body: entry.body, properties: text,
      },
    });
  }
  return prepared;
}

/** Two encoded properties strings as one (Java 4.9.4+ appends the batch-level ones). */
function joinProperties(left: string, right: string): string {
  if (left === '') return right;
  if (right === '') return left;
  return left.endsWith(PROPERTY_SEPARATOR) ? left + right : left + PROPERTY_SEPARATOR + right;
}
