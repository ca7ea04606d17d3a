import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { encodeHost } from '../../protocol/host-address.js';
import { MessageConst, SystemName } from '../../protocol/message-const.js';
import { appendProperty, findProperty, removeProperty } from '../../protocol/properties.js';
import { SysFlag } from '../../protocol/record-layout.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { TIMER_QUEUE_ID, TIMER_TOPIC, parseTimerDeliverMs } from '../timer/timer-rules.js';
import { type DataPlaneContext, brokerAddressOf } from './context.js';
import type { OutgoingRecord } from './send-record.js';
import type { SendRequestHeader } from './send-header.js';
import type { SendRoute } from './send-route.js';
import { javaStringHashCode } from './tag-filter.js';
import { Perm, dlqTopicOf, retryTopicGroup } from './topic-rules.js';

/**
 * Turns a checked send into the record to store (reference §2.3 steps 6-9, §5.1, §5.4):
 * `%RETRY%` sends past their max reconsume times go to `%DLQ%<group>`; a DELAY level parks the
 * message in SCHEDULE_TOPIC_XXXX (queue level - 1, REAL_TOPIC/REAL_QID kept, tagsCode = due
 * time); a future TIMER_DELIVER_MS parks it in the timer topic instead (tagsCode = delivery
 * time); a half (TRAN_MSG) message goes to RMQ_SYS_TRANS_HALF_TOPIC; WAIT is not stored and
 * CLUSTER is added. The tagsCode is the TAGS hash (0 without tags) unless scheduled.
 */
export interface PreparedMessage {
  readonly record: OutgoingRecord;
  readonly tagsCode: number;
}

export type PrepareResult = { readonly prepared: PreparedMessage } | { readonly refused: RemotingCommand };

/** MQVersion V3_4_9: from this version on the header's maxReconsumeTimes is trusted. */
const VERSION_V3_4_9 = 121;
const DEFAULT_MAX_RECONSUME_TIMES = 16;
const HALF_TOPIC_QUEUE_ID = 0;

interface Target {
  readonly topic: string;
  readonly queueId: number;
}

/**
 * Synchronous except for a `%RETRY%` send, whose group and DLQ topic may need the control plane:
 * the common path makes no promise.
 */
export function prepareMessage(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: SendRequestHeader,
  route: SendRoute, body: Buffer, properties: string,
): PrepareResult | Promise<PrepareResult> {
  const target: Target = { topic: route.topic, queueId: route.queueId };
  const text = removeProperty(properties, MessageConst.WAIT);
  const group = retryTopicGroup(route.topic);
  if (group === null) return finishPrepare(ctx, request, channel, header, route, body, target, text);
  return redirectRetry(ctx, request, header, group).then((redirected) => {
    if ('refused' in redirected) return redirected;
    if (redirected.dlqTopic === null) return finishPrepare(ctx, request, channel, header, route, body, target, text);
    return finishPrepare(ctx, request, channel, header, route, body, { topic: redirected.dlqTopic, queueId: 0 },
      removeProperty(text, MessageConst.DELAY));
  });
}

/** Transaction, timer and delay parking, CLUSTER, born host: the record to store. */
function finishPrepare(
  ctx: DataPlaneContext, request: RemotingCommand, channel: Channel, header: SendRequestHeader,
  route: SendRoute, body: Buffer, routed: Target, properties: string,
): PrepareResult {
  let target = routed;
  let text = properties;
  let sysFlag = header.sysFlag;
  if (route.topicView.topicFilterType === 'MULTI_TAG') sysFlag |= SysFlag.MULTI_TAGS;
  if (findProperty(text, MessageConst.TRAN_MSG) === 'true') {
    if (ctx.config.rejectTransactionMessage) {
      return { refused: createResponse(request, ResponseCode.NO_PERMISSION,
        `the broker[${brokerAddressOf(ctx.config)}] sending transaction message is forbidden`) };
    }
    text = parkProperties(text, target.topic, target.queueId);
    target = { topic: SystemName.TRANS_HALF_TOPIC, queueId: HALF_TOPIC_QUEUE_ID };
    sysFlag &= ~SysFlag.TRANSACTION_MASK;
  }
  const tags = findProperty(text, MessageConst.TAGS);
  let tagsCode = tags === undefined ? 0 : javaStringHashCode(tags);
  const timedMs = target.topic === SystemName.TRANS_HALF_TOPIC ? null : timerFor(ctx, text, sysFlag);
  const delayed = timedMs !== null || target.topic === SystemName.TRANS_HALF_TOPIC ? null : scheduleFor(ctx, text, sysFlag);
  if (timedMs !== null) {
    text = parkProperties(removeProperty(text, MessageConst.DELAY), target.topic, target.queueId);
    target = { topic: TIMER_TOPIC, queueId: TIMER_QUEUE_ID };
    tagsCode = timedMs;
  } else if (delayed !== null) {
    text = parkProperties(text, target.topic, target.queueId);
    target = { topic: SystemName.SCHEDULE_TOPIC, queueId: delayed.level - 1 };
    tagsCode = delayed.dueMs;
  }
  text = appendProperty(removeProperty(text, MessageConst.CLUSTER), MessageConst.CLUSTER,
    ctx.config.brokerClusterName);
  const bornHost = bornHostOf(channel.remoteAddress);
  const record: OutgoingRecord = {
    topic: target.topic,
    queueId: target.queueId,
    flag: header.flag,
    sysFlag: bornHost.v6 ? sysFlag | SysFlag.BORNHOST_V6 : sysFlag & ~SysFlag.BORNHOST_V6,
    bornTimestampMs: header.bornTimestamp,
    bornHost: bornHost.bytes,
    reconsumeTimes: header.reconsumeTimes,
    preparedTransactionOffset: 0,
    body,
    properties: text,
  };
  return { prepared: { record, tagsCode } };
}

type RetryRedirect = { readonly dlqTopic: string | null } | { readonly refused: RemotingCommand };

async function redirectRetry(
  ctx: DataPlaneContext, request: RemotingCommand, header: SendRequestHeader, group: string,
): Promise<RetryRedirect> {
  const groupView = ctx.tables.group(group);
  if (groupView === undefined && !ctx.config.autoCreateSubscriptionGroup) {
    return { refused: createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
      `subscription group not exist, ${group}`) };
  }
  const groupMax = groupView?.retryMaxTimes ?? DEFAULT_MAX_RECONSUME_TIMES;
  const maxReconsumeTimes = request.version >= VERSION_V3_4_9 && header.maxReconsumeTimes !== undefined
    ? header.maxReconsumeTimes
    : groupMax;
  if (header.reconsumeTimes < maxReconsumeTimes) return { dlqTopic: null };
  const dlqTopic = dlqTopicOf(group);
  const created = ctx.tables.topic(dlqTopic) ?? await ctx.control.createSystemTopic(dlqTopic, 1,
    Perm.READ | Perm.WRITE);
  if (created === null) {
    return { refused: createResponse(request, ResponseCode.SYSTEM_ERROR, `topic[${dlqTopic}] not exist`) };
  }
  return { dlqTopic };
}

/** The due time and level of a DELAY message, or null (level <= 0, or a half/rollback record). */
function scheduleFor(ctx: DataPlaneContext, properties: string, sysFlag: number): { level: number; dueMs: number } | null {
  const text = findProperty(properties, MessageConst.DELAY);
  if (text === undefined) return null;
  const requested = Number.parseInt(text, 10);
  if (!Number.isInteger(requested) || requested <= 0) return null;
  const transaction = sysFlag & SysFlag.TRANSACTION_MASK;
  if (transaction !== SysFlag.TRANSACTION_NOT_TYPE && transaction !== SysFlag.TRANSACTION_COMMIT_TYPE) return null;
  const levels = ctx.config.delayLevelsMs;
  if (levels.length === 0) return null;
  const level = Math.min(requested, levels.length);
  return { level, dueMs: ctx.clock.nowMs() + (levels[level - 1] ?? 0) };
}

/**
 * The delivery time of a TIMER_DELIVER_MS message still in the future (timer/timer-rules.ts),
 * or null: none, already due (stored at once), or a half/rollback record. It wins over DELAY.
 */
function timerFor(ctx: DataPlaneContext, properties: string, sysFlag: number): number | null {
  const deliverMs = parseTimerDeliverMs(findProperty(properties, MessageConst.TIMER_DELIVER_MS));
  if (deliverMs === null || deliverMs <= ctx.clock.nowMs()) return null;
  const transaction = sysFlag & SysFlag.TRANSACTION_MASK;
  if (transaction !== SysFlag.TRANSACTION_NOT_TYPE && transaction !== SysFlag.TRANSACTION_COMMIT_TYPE) return null;
  return deliverMs;
}

/** Records where a parked (scheduled, timed or half) message really belongs. */
function parkProperties(properties: string, topic: string, queueId: number): string {
  let text = removeProperty(removeProperty(properties, MessageConst.REAL_TOPIC), MessageConst.REAL_QID);
  text = appendProperty(text, MessageConst.REAL_TOPIC, topic);
  return appendProperty(text, MessageConst.REAL_QID, String(queueId));
}

export interface BornHost {
  readonly bytes: Buffer;
  readonly v6: boolean;
}

/**
 * Born hosts by peer address: every send on a connection has the same one, and parsing the
 * "ip:port" text per message showed in the I/O thread's profile. Cleared when full (a broker
 * sees a bounded set of producer connections; the bound only caps memory).
 */
const bornHosts = new Map<string, BornHost>();
const BORN_HOST_CACHE_ENTRIES_MAX = 4096;

/**
 * The channel's peer as record bytes; IPv4-mapped IPv6 peers are written as IPv4. The bytes are
 * shared between calls: callers copy them into the record and never write to them.
 */
export function bornHostOf(remoteAddress: string): BornHost {
  const cached = bornHosts.get(remoteAddress);
  if (cached !== undefined) return cached;
  const parsed = parseBornHost(remoteAddress);
  if (bornHosts.size >= BORN_HOST_CACHE_ENTRIES_MAX) bornHosts.clear();
  bornHosts.set(remoteAddress, parsed);
  return parsed;
}

function parseBornHost(remoteAddress: string): BornHost {
  const address = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
  try {
    const bytes = encodeHost(address);
    return { bytes, v6: bytes.length !== 8 };
  } catch {
    return { bytes: Buffer.alloc(8), v6: false };
  }
}
