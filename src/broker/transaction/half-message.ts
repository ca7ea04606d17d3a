import { encodeCheckTransactionStateRequestHeader } from '../../protocol/headers/message.js';
import { MessageConst, SystemName } from '../../protocol/message-const.js';
import { encodeOffsetMsgId } from '../../protocol/message-id.js';
import type { MessageProperties } from '../../protocol/properties.js';
import { encodeRecord } from '../../protocol/record.js';
import { SysFlag } from '../../protocol/record-layout.js';
import type { MessageToAppend, StoredMessage } from '../store-facade.js';

/**
 * Pure builders of the transaction path (reference §5.4): the committed copy of a half message,
 * the op ("remove") record, the re-appended half copy a check makes, the discarded copy, and
 * the CHECK_TRANSACTION_STATE body. Half messages live in RMQ_SYS_TRANS_HALF_TOPIC queue 0
 * with REAL_TOPIC / REAL_QID; op records in RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0 (the half
 * queue's id) with tag "d" and body = the half message's queue offset in decimal.
 */
export const HALF_QUEUE_ID = 0;
export const OP_REMOVE_TAG = 'd';
/** TRANS_CHECK_MAX_TIME_TOPIC has one queue (reference §5.4). */
export const CHECK_MAX_TIME_QUEUE_ID = 0;

export function checkTimesOf(half: StoredMessage): number {
  const times = Number(half.properties[MessageConst.TRANSACTION_CHECK_TIMES] ?? '0');
  return Number.isInteger(times) && times > 0 ? times : 0;
}

/** The message END_TRANSACTION(commit) stores, or null when REAL_TOPIC / REAL_QID are missing. */
export function buildCommittedMessage(half: StoredMessage): MessageToAppend | null {
  const topic = half.properties[MessageConst.REAL_TOPIC];
  const queueId = Number(half.properties[MessageConst.REAL_QID]);
  if (topic === undefined || topic === '' || !Number.isInteger(queueId) || queueId < 0) return null;
  const properties: MessageProperties = { ...half.properties };
  delete properties[MessageConst.REAL_TOPIC];
  delete properties[MessageConst.REAL_QID];
  delete properties[MessageConst.TRAN_MSG];
  delete properties[MessageConst.TRAN_PREPARED_QUEUE_OFFSET];
  return {
    topic,
    queueId,
    body: half.body,
    flag: half.flag,
    properties,
    sysFlag: (half.sysFlag & ~SysFlag.TRANSACTION_MASK) | SysFlag.TRANSACTION_COMMIT_TYPE,
    bornTimestampMs: half.bornTimestampMs,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.physicalOffset,
  };
}

/** The op record that marks half queue offset `halfQueueOffset` as resolved (commit or rollback). */
export function buildOpMessage(halfQueueOffset: number, nowMs: number, brokerHost: string): MessageToAppend {
  return {
    topic: SystemName.TRANS_OP_HALF_TOPIC,
    queueId: HALF_QUEUE_ID,
    body: Buffer.from(String(halfQueueOffset), 'utf8'),
    flag: 0,
    properties: { [MessageConst.TAGS]: OP_REMOVE_TAG, [MessageConst.WAIT]: 'false' },
    sysFlag: SysFlag.TRANSACTION_NOT_TYPE,
    bornTimestampMs: nowMs,
    bornHost: brokerHost,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

/** The half queue offset an op record resolves, or null for a malformed body. */
export function opHalfOffsetOf(op: StoredMessage): number | null {
  const text = op.body.toString('utf8');
  if (!/^\d{1,16}$/.test(text)) return null;
  return Number(text);
}

/** A copy of the half message with TRANSACTION_CHECK_TIMES set, appended at the half queue's end. */
export function buildRecheckCopy(half: StoredMessage, checkTimes: number): MessageToAppend {
  return {
    ...copyOf(half),
    topic: SystemName.TRANS_HALF_TOPIC,
    queueId: HALF_QUEUE_ID,
    properties: { ...half.properties, [MessageConst.TRANSACTION_CHECK_TIMES]: String(checkTimes) },
  };
}

/** The copy kept in TRANS_CHECK_MAX_TIME_TOPIC when a half message is discarded (4.9.x). */
export function buildDiscardedCopy(half: StoredMessage): MessageToAppend {
  return { ...copyOf(half), topic: SystemName.TRANS_CHECK_MAX_TIME_TOPIC, queueId: CHECK_MAX_TIME_QUEUE_ID };
}

/** Where a copy was stored: what a check names. */
export interface StoredCopy {
  readonly physicalOffset: number;
  readonly queueOffset: number;
  readonly storeTimestampMs: number;
}

/**
 * The CHECK_TRANSACTION_STATE header and body for a stored half copy: the body is the full
 * record with the real topic and queue (reference §2.3), the header names the copy's queue and
 * commit-log offsets, msgId / transactionId = UNIQ_KEY, offsetMsgId = the copy's offset id.
 */
export function buildCheckRequest(half: StoredMessage, copy: StoredCopy): { extFields: Record<string, string>; body: Buffer } {
  const realQueueId = Number(half.properties[MessageConst.REAL_QID]);
  const body = encodeRecord({
    topic: half.properties[MessageConst.REAL_TOPIC] ?? half.topic,
    queueId: Number.isInteger(realQueueId) && realQueueId >= 0 ? realQueueId : half.queueId,
    body: half.body,
    properties: half.properties,
    flag: half.flag,
    sysFlag: half.sysFlag,
    bornTimestampMs: half.bornTimestampMs,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.preparedTransactionOffset,
    queueOffset: copy.queueOffset,
    physicalOffset: copy.physicalOffset,
    storeTimestampMs: copy.storeTimestampMs,
    storeHost: half.storeHost,
  });
  const uniqKey = half.properties[MessageConst.UNIQ_KEY];
  const extFields = encodeCheckTransactionStateRequestHeader({
    tranStateTableOffset: copy.queueOffset,
    commitLogOffset: copy.physicalOffset,
    msgId: uniqKey,
    transactionId: uniqKey,
    offsetMsgId: encodeOffsetMsgId(half.storeHost, copy.physicalOffset),
  });
  return { extFields, body };
}

function copyOf(half: StoredMessage): MessageToAppend {
  return {
    topic: half.topic,
    queueId: half.queueId,
    body: half.body,
    flag: half.flag,
    properties: { ...half.properties },
    sysFlag: half.sysFlag,
    bornTimestampMs: half.bornTimestampMs,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.preparedTransactionOffset,
  };
}
