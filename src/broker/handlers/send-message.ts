import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { PROPERTIES_BYTES_MAX } from '../../common/limits.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { DataPlaneContext } from '../data-plane/context.js';
import { type SendRequestHeader, decodeSendRequestOf } from '../data-plane/send-header.js';
import { type PrepareResult, prepareMessage } from '../data-plane/send-prepare.js';
import { appendOneAndReply } from '../data-plane/send-reply.js';
import { type SendRouteResult, checkSendAllowed, resolveSendRoute } from '../data-plane/send-route.js';

const EMPTY_BODY = Buffer.alloc(0);

/**
 * SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310), reference §2.3: checks, topic (auto-created from
 * TBW102 when allowed) and queue, size limits (MESSAGE_ILLEGAL), the retry/DLQ, delay and half
 * message rewrites, then one append of one encoded record and the reply with the offset msgId.
 * Synchronous up to the append for a known topic (no microtask per step); only topic
 * auto-creation and `%RETRY%` sends wait for the control plane. The answer is the append's
 * reply promise, or a refusal at once.
 */
export function handleSendMessage(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel,
): RemotingCommand | Promise<RemotingCommand> {
  const header = decodeSendRequestOf(request);
  const refused = checkSendAllowed(ctx, request, header.topic);
  if (refused !== null) return refused;
  const body = request.body ?? EMPTY_BODY;
  const sizeProblem = messageSizeProblem(ctx, body.length, header.properties);
  if (sizeProblem !== null) return createResponse(request, ResponseCode.MESSAGE_ILLEGAL, sizeProblem);
  const routed = resolveSendRoute(ctx, request, channel, header);
  if (routed instanceof Promise) return routed.then((result) => sendRouted(ctx, request, channel, header, body, result));
  return sendRouted(ctx, request, channel, header, body, routed);
}

function sendRouted(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: SendRequestHeader, body: Buffer,
  routed: SendRouteResult,
): RemotingCommand | Promise<RemotingCommand> {
  if ('refused' in routed) return routed.refused;
  const prepared = prepareMessage(ctx, request, channel, header, routed.route, body, header.properties);
  if (prepared instanceof Promise) return prepared.then((result) => sendPrepared(ctx, request, result));
  return sendPrepared(ctx, request, prepared);
}

function sendPrepared(
  ctx: DataPlaneContext, request: RemotingCommand, prepared: PrepareResult,
): RemotingCommand | Promise<RemotingCommand> {
  if ('refused' in prepared) return prepared.refused;
  return appendOneAndReply(ctx, request, prepared.prepared);
}

/** RocketMQ's remarks for a body over maxMessageSize and a properties string over 32767 bytes. */
export function messageSizeProblem(ctx: DataPlaneContext, bodyBytes: number, properties: string): string | null {
  if (bodyBytes > ctx.config.maxMessageSize) {
    return `the message body size over max value, MAX: ${ctx.config.maxMessageSize}`;
  }
  if (Buffer.byteLength(properties) > PROPERTIES_BYTES_MAX) {
    return `the message properties size over max value, MAX: ${PROPERTIES_BYTES_MAX}`;
  }
  return null;
}
