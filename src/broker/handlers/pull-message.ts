import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import {
  type PullMessageRequestHeader as PullRequestHeader, PullSysFlag, decodePullMessageRequestHeader,
} from '../../protocol/headers/pull-message.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { PULL_HOLD_MS_MAX } from '../data-plane/bounds.js';
import { type DataPlaneContext, brokerAddressOf } from '../data-plane/context.js';
import type { GetMessagesResult } from '../data-plane/ports.js';
import { pullResponseCode } from '../data-plane/pull-status.js';
import { type TagSubscription, parseTagSubscription, subscriptionCodes } from '../data-plane/tag-filter.js';
import { compileSql92Cached } from '../../filter/record-filter.js';
import { isReadable } from '../data-plane/topic-rules.js';

/**
 * PULL_MESSAGE (11), reference §2.4 and §5.6-5.9. Checks permissions, the group, the topic and
 * queue, resolves the subscription (from the request, or the one registered by heartbeat),
 * reads through the store's read side (the dispatch pool), maps the store status to a response
 * code and, when nothing is there yet and the consumer allows it, holds the pull until the
 * queue moves or its suspend time ends. Every answer carries nextBeginOffset, minOffset and
 * maxOffset (ali-ons needs them on every code).
 */
export async function handlePullMessage(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel,
): Promise<RemotingCommand> {
  const header = decodePullMessageRequestHeader(request.extFields);
  const refused = checkPull(ctx, request, channel, header);
  if (refused !== null) return withOffsets(ctx, refused, header);
  const subscription = await resolveSubscription(ctx, request, header);
  if (!('tags' in subscription)) return withOffsets(ctx, subscription, header);
  // Java stores the piggy-backed offset on the first execution, before a hold ends.
  if (hasFlag(header.sysFlag, PullSysFlag.COMMIT_OFFSET) && ctx.config.brokerRole !== 'SLAVE') {
    ctx.control.commitOffset(channel.remoteAddress, header.consumerGroup, header.topic, header.queueId,
      header.commitOffset);
  }
  return executePull(ctx, request, header, subscription, true);
}

function checkPull(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: PullRequestHeader,
): RemotingCommand | null {
  const { config, tables } = ctx;
  if (!isReadable(config.brokerPermission)) {
    return createResponse(request, ResponseCode.NO_PERMISSION,
      `the broker[${brokerAddressOf(config)}] pulling message is forbidden`);
  }
  const group = tables.group(header.consumerGroup);
  if (group === undefined && !config.autoCreateSubscriptionGroup) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
      `subscription group [${header.consumerGroup}] does not exist`);
  }
  if (group?.consumeEnable === false) {
    return createResponse(request, ResponseCode.NO_PERMISSION,
      `subscription group no permission, ${header.consumerGroup}`);
  }
  const topic = tables.topic(header.topic);
  if (topic === undefined) {
    return createResponse(request, ResponseCode.TOPIC_NOT_EXIST,
      `topic[${header.topic}] not exist, apply first please!`);
  }
  if (!isReadable(topic.perm)) {
    return createResponse(request, ResponseCode.NO_PERMISSION,
      `the topic[${header.topic}] pulling message is forbidden`);
  }
  if (header.queueId < 0 || header.queueId >= topic.readQueueNums) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR,
      `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topic.readQueueNums}] consumer:[${channel.remoteAddress}]`);
  }
  return null;
}

/** What a pull filters by: tag hash codes, and a SQL92 expression that compiled (src/filter). */
interface PullFilter {
  readonly tags: TagSubscription;
  readonly sql92Expression?: string | undefined;
}

type ResolvedSubscription = PullFilter | RemotingCommand;

const SQL92 = 'SQL92';

async function resolveSubscription(
  ctx: DataPlaneContext, request: RemotingCommand, header: PullRequestHeader,
): Promise<ResolvedSubscription> {
  if (hasFlag(header.sysFlag, PullSysFlag.SUBSCRIPTION)) {
    return expressionFilter(ctx, request, header.expressionType, header.subscription ?? '*', 'request');
  }
  const registered = await ctx.control.findSubscription(header.consumerGroup, header.topic);
  if (registered === null) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_NOT_EXIST,
      `the consumer's subscription not exist, group: ${header.consumerGroup}`);
  }
  if (registered.subVersion < header.subVersion) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_NOT_LATEST,
      `the consumer's subscription not latest, group: ${header.consumerGroup}`);
  }
  return expressionFilter(ctx, request, registered.expressionType, registered.subString, 'registered');
}

/**
 * TAG → tag codes. SQL92 (reference §5.9, §5.11; codes and remarks as RocketMQ's
 * PullMessageProcessor) needs enablePropertyFilter, and must compile: an expression sent with
 * the pull is refused with SUBSCRIPTION_PARSE_FAILED, a heartbeat-registered one with
 * FILTER_DATA_NOT_EXIST (RocketMQ registers no filter data for it), both with the compile error.
 */
function expressionFilter(
  ctx: DataPlaneContext, request: RemotingCommand, expressionType: string | undefined, expression: string,
  source: 'request' | 'registered',
): ResolvedSubscription {
  if (expressionType === undefined || expressionType === '' || expressionType === 'TAG') {
    return { tags: parseTagSubscription(expression) };
  }
  if (!ctx.config.enablePropertyFilter) {
    return createResponse(request, ResponseCode.SYSTEM_ERROR,
      `The broker does not support consumer to filter message by ${expressionType}`);
  }
  if (expressionType !== SQL92) {
    return createResponse(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED,
      `expression type ${expressionType} is not supported by this broker`);
  }
  const compiled = compileSql92Cached(expression);
  if (compiled.ok) return { tags: parseTagSubscription('*'), sql92Expression: expression };
  return source === 'request'
    ? createResponse(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED,
      `parse the consumer's subscription failed: ${compiled.error}`)
    : createResponse(request, ResponseCode.FILTER_DATA_NOT_EXIST,
      `The broker's consumer filter data is not exist!Your expression may be wrong! ${compiled.error}`);
}

/** Reads once; parks the pull when allowed and nothing is there; answers with the result. */
async function executePull(
  ctx: DataPlaneContext, request: RemotingCommand, header: PullRequestHeader, filter: PullFilter,
  allowSuspend: boolean,
): Promise<RemotingCommand> {
  const result = await ctx.reader.getMessages({
    topic: header.topic,
    queueId: header.queueId,
    queueOffset: header.queueOffset,
    maxCount: Math.max(1, Math.min(header.maxMsgNums, ctx.config.maxTransferCountOnMessageInMemory)),
    maxBytes: ctx.config.maxTransferBytesOnMessageInMemory,
    tagCodes: subscriptionCodes(filter.tags),
    sql92Expression: filter.sql92Expression,
  });
  const code = pullResponseCode(result.status, header.queueOffset);
  if (code === ResponseCode.PULL_NOT_FOUND && allowSuspend && hasFlag(header.sysFlag, PullSysFlag.SUSPEND)) {
    const parked = await holdUntilMoved(ctx, header);
    if (parked) return executePull(ctx, request, header, filter, false);
  }
  return pullResponse(request, code, result);
}

/** Resolves true once the hold ended (data or deadline); false when the pull could not be parked. */
function holdUntilMoved(ctx: DataPlaneContext, header: PullRequestHeader): Promise<boolean> {
  const { config } = ctx;
  const holdMs = config.longPollingEnable ? header.suspendTimeoutMillis : config.shortPollingTimeMills;
  const boundedMs = Math.max(0, Math.min(holdMs, PULL_HOLD_MS_MAX));
  return new Promise((resolve) => {
    const parked = ctx.holds.hold({
      topic: header.topic,
      queueId: header.queueId,
      queueOffset: header.queueOffset,
      deadlineMs: ctx.clock.nowMs() + boundedMs,
      resume: () => resolve(true),
    });
    if (!parked) resolve(false);
  });
}

function pullResponse(request: RemotingCommand, code: number, result: GetMessagesResult): RemotingCommand {
  const extFields = {
    suggestWhichBrokerId: '0',
    nextBeginOffset: String(result.nextBeginOffset),
    minOffset: String(result.minOffset),
    maxOffset: String(result.maxOffset),
  };
  const body = code === ResponseCode.SUCCESS ? result.body : null;
  return createResponse(request, code, result.status, extFields, body);
}

/**
 * A refusal still carries the offset headers (the request's offset as next, the queue's min and
 * max): clients such as ali-ons read them on every code and would otherwise send NaN next time.
 */
function withOffsets(ctx: DataPlaneContext, reply: RemotingCommand, header: PullRequestHeader): RemotingCommand {
  reply.extFields = {
    ...reply.extFields,
    suggestWhichBrokerId: '0',
    nextBeginOffset: String(header.queueOffset),
    minOffset: String(ctx.reader.minOffset(header.topic, header.queueId)),
    maxOffset: String(ctx.reader.maxOffset(header.topic, header.queueId)),
  };
  return reply;
}

function hasFlag(sysFlag: number, flag: number): boolean {
  return (sysFlag & flag) !== 0;
}
