import { MessageConst } from '../protocol/message-const.js';
import { encodeOffsetMsgId } from '../protocol/message-id.js';
import type { MessageToAppend, StoredMessage } from './store-facade.js';
import { dlqTopicOf } from './data-plane/topic-rules.js';
import { retryTopicOf } from './topic-names.js';

/**
 * CONSUMER_SEND_MSG_BACK's decision and the message it stores (reference §5.2), kept pure so
 * unit tests pin every branch: a failed message goes to `%RETRY%<group>` with delay level
 * `3 + reconsumeTimes` (or the level the consumer asked for), or to `%DLQ%<group>` once it has
 * been reconsumed `maxReconsumeTimes` times or when the consumer asks (level < 0).
 */
export type SendBackDecision =
  | { kind: 'retry'; topic: string; delayLevel: number }
  | { kind: 'dlq'; topic: string };

/** The first Java version whose header `maxReconsumeTimes` is honoured (V3_4_9 = 121). */
export const HEADER_MAX_RECONSUME_VERSION = 121;

/** Retries start at level 3 (10 s with the default levels): 3 + reconsumeTimes. */
export const RETRY_DELAY_LEVEL_BASE = 3;

export function decideSendBack(input: {
  group: string;
  reconsumeTimes: number;
  maxReconsumeTimes: number;
  requestedDelayLevel: number;
}): SendBackDecision {
  if (input.reconsumeTimes >= input.maxReconsumeTimes || input.requestedDelayLevel < 0) {
    return { kind: 'dlq', topic: dlqTopicOf(input.group) };
  }
  const delayLevel = input.requestedDelayLevel === 0
    ? RETRY_DELAY_LEVEL_BASE + input.reconsumeTimes
    : input.requestedDelayLevel;
  return { kind: 'retry', topic: retryTopicOf(input.group), delayLevel };
}

/**
 * The record to store for a sent-back message: the original's body, flag, sysFlag and born
 * info; RETRY_TOPIC kept or set to the original topic; ORIGIN_MESSAGE_ID kept or set to the
 * original's offset msgId; DELAY set for a retry (cleared for the DLQ); reconsumeTimes + 1.
 */
export function buildSendBackMessage(
  original: StoredMessage,
  decision: SendBackDecision,
  queueId: number,
): MessageToAppend {
  const properties = { ...original.properties };
  properties[MessageConst.RETRY_TOPIC] ??= original.topic;
  properties[MessageConst.ORIGIN_MESSAGE_ID] ??= encodeOffsetMsgId(original.storeHost, original.physicalOffset);
  delete properties[MessageConst.WAIT];
  delete properties[MessageConst.DELAY];
  if (decision.kind === 'retry') properties[MessageConst.DELAY] = String(decision.delayLevel);
  return {
    topic: decision.topic,
    queueId,
    body: original.body,
    flag: original.flag,
    properties,
    sysFlag: original.sysFlag,
    bornTimestampMs: original.bornTimestampMs,
    bornHost: original.bornHost,
    reconsumeTimes: original.reconsumeTimes + 1,
    preparedTransactionOffset: original.preparedTransactionOffset,
  };
}
