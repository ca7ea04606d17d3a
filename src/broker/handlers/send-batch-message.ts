import { ErrorCode, PetrelError } from '../../common/errors.js';
import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { MessageConst } from '../../protocol/message-const.js';
import { removeProperty } from '../../protocol/properties.js';
import { SysFlag } from '../../protocol/record-layout.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { BATCH_MESSAGES_MAX } from '../data-plane/bounds.js';
import type { DataPlaneContext } from '../data-plane/context.js';
import { countBatchEntries, encodeBatchRecords } from '../data-plane/send-batch-encode.js';
import { type SendRequestHeader, decodeSendRequestOf } from '../data-plane/send-header.js';
import { bornHostOf } from '../data-plane/send-prepare.js';
import { appendRecordsAndReply } from '../data-plane/send-reply.js';
import { type SendRouteResult, checkSendAllowed, resolveSendRoute } from '../data-plane/send-route.js';
import { isRetryTopic } from '../data-plane/topic-rules.js';
import { messageSizeProblem } from './send-message.js';

/**
 * SEND_BATCH_MESSAGE (320), reference §2.3 and §3.6: the V2 header plus a body of batch entries.
 * Every entry becomes a full record in the same topic and queue (consecutive queue offsets, one
 * append); the batch-level properties are appended to each entry's (4.9.4+). Batches to retry
 * topics, with a delay or transactional are MESSAGE_ILLEGAL, as in RocketMQ. The entries are
 * turned into records at the byte level (../data-plane/send-batch-encode.ts): no string or
 * object per entry.
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
  const count = countBatchEntries(body);
  if (typeof count === 'string') throw new PetrelError(ErrorCode.ERR_BODY_MALFORMED, count);
  if (count === 0 || count > BATCH_MESSAGES_MAX) {
    return createResponse(request, ResponseCode.MESSAGE_ILLEGAL,
      `a batch holds 1 to ${BATCH_MESSAGES_MAX} messages, got ${count}`);
  }
  const routed = resolveSendRoute(ctx, request, channel, header);
  if (routed instanceof Promise) {
    return routed.then((result) => sendBatchRouted(ctx, request, channel, header, body, count, result));
  }
  return sendBatchRouted(ctx, request, channel, header, body, count, routed);
}

function sendBatchRouted(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: SendRequestHeader,
  body: Buffer, count: number, routed: SendRouteResult,
): RemotingCommand | Promise<RemotingCommand> {
  if ('refused' in routed) return routed.refused;
  const route = routed.route;
  if ((header.sysFlag & SysFlag.TRANSACTION_MASK) !== SysFlag.TRANSACTION_NOT_TYPE) {
    return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, 'batch message does not support transaction');
  }
  const bornHost = bornHostOf(channel.remoteAddress);
  let sysFlag = bornHost.v6 ? header.sysFlag | SysFlag.BORNHOST_V6 : header.sysFlag & ~SysFlag.BORNHOST_V6;
  if (route.topicView.topicFilterType === 'MULTI_TAG') sysFlag |= SysFlag.MULTI_TAGS;
  const encoded = encodeBatchRecords(body, count, {
    topic: route.topic, queueId: route.queueId, sysFlag, bornTimestampMs: header.bornTimestamp, bornHost: bornHost.bytes,
    reconsumeTimes: header.reconsumeTimes, batchProperties: batchPropertiesOf(header.properties),
    clusterName: ctx.config.brokerClusterName,
  });
  if (encoded.kind === 'illegal') return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, encoded.remark);
  return appendRecordsAndReply(ctx, request, encoded.records, encoded.tagsCodes, route.queueId);
}

/** The batch-level properties every entry gets (WAIT is not stored; CLUSTER is the broker's). */
function batchPropertiesOf(properties: string): string {
  if (properties === '' || properties === `${MessageConst.WAIT}\u0001true`) return '';
  return removeProperty(removeProperty(properties, MessageConst.WAIT), MessageConst.CLUSTER);
}
