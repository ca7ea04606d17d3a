import { MessageConst } from '../../protocol/message-const.js';
import type { MessageProperties } from '../../protocol/properties.js';
import { appendMaybeDelayed, delayLevelOf } from '../schedule/scheduled-message.js';
import type { AppendOutcome, MessageToAppend, StoreFacade, StoredMessage } from '../store-facade.js';
import { TIMER_QUEUE_ID, TIMER_TOPIC, timerDueMs } from './timer-rules.js';

/**
 * The timer's two rewrites (timer-rules.ts): `toTimed` parks a message in TIMER_TOPIC with
 * REAL_TOPIC / REAL_QID and tagsCode = delivery time; `fromTimed` rebuilds the real message
 * when it is due (TIMER_DELIVER_MS kept so consumers can see when it was meant to arrive,
 * REAL_TOPIC / REAL_QID kept as the delay path keeps them, WAIT=false).
 */
export function toTimed(message: MessageToAppend, deliverMs: number): MessageToAppend {
  const properties: MessageProperties = {
    ...message.properties,
    [MessageConst.REAL_TOPIC]: message.topic,
    [MessageConst.REAL_QID]: String(message.queueId),
  };
  delete properties[MessageConst.DELAY];
  return { ...message, topic: TIMER_TOPIC, queueId: TIMER_QUEUE_ID, properties, tagsCodeOverride: deliverMs };
}

/** The real message of a due timer entry, or null when REAL_TOPIC / REAL_QID are missing. */
export function fromTimed(stored: StoredMessage): MessageToAppend | null {
  const topic = stored.properties[MessageConst.REAL_TOPIC];
  const queueId = Number(stored.properties[MessageConst.REAL_QID]);
  if (topic === undefined || topic === '' || !Number.isInteger(queueId) || queueId < 0) return null;
  return {
    topic,
    queueId,
    body: stored.body,
    flag: stored.flag,
    properties: { ...stored.properties, [MessageConst.WAIT]: 'false' },
    sysFlag: stored.sysFlag,
    bornTimestampMs: stored.bornTimestampMs,
    bornHost: stored.bornHost,
    reconsumeTimes: stored.reconsumeTimes,
    preparedTransactionOffset: stored.preparedTransactionOffset,
  };
}

/**
 * Appends a control-plane message the way a producer send would be routed: a future
 * TIMER_DELIVER_MS parks it in the timer topic (it wins over DELAY, as in RocketMQ 5), a DELAY
 * level in the schedule topic, anything else goes straight to its topic.
 */
export function appendRouted(
  store: StoreFacade, message: MessageToAppend, levelsMs: readonly number[], nowMs: number,
): Promise<AppendOutcome> {
  const deliverMs = timerDueMs(message.properties, nowMs);
  if (deliverMs !== null && message.topic !== TIMER_TOPIC) return store.append(toTimed(message, deliverMs));
  if (delayLevelOf(message.properties) > 0) return appendMaybeDelayed(store, message, levelsMs, nowMs);
  return store.append(message);
}
