import { MessageConst, SystemName } from '../../protocol/message-const.js';
import type { MessageProperties } from '../../protocol/properties.js';
import type { AppendOutcome, MessageToAppend, StoreFacade, StoredMessage } from '../store-facade.js';
import { clampDelayLevel, delayMsOfLevel, scheduleQueueIdOf } from './delay-levels.js';

/**
 * The two rewrites of delay messages (reference §5.1). `toScheduled` parks a message with a
 * DELAY level in `SCHEDULE_TOPIC_XXXX` queue `level - 1` (REAL_TOPIC / REAL_QID remember where it
 * goes; the consume-queue tagsCode is the due time). `fromScheduled` rebuilds the real message
 * when it is due: DELAY removed, WAIT=false, REAL_TOPIC / REAL_QID kept (as Java does).
 * Both planes use them: the control plane for retries, the data plane for producer sends.
 */

/** The DELAY level of a message, or 0 for none (missing, unparsable, or <= 0). */
export function delayLevelOf(properties: Readonly<Record<string, string>>): number {
  const text = properties[MessageConst.DELAY];
  if (text === undefined) return 0;
  const level = Number(text);
  return Number.isInteger(level) && level > 0 ? level : 0;
}

export function toScheduled(message: MessageToAppend, levelsMs: readonly number[], nowMs: number): MessageToAppend {
  const level = clampDelayLevel(delayLevelOf(message.properties), levelsMs);
  const properties = {
    ...message.properties,
    [MessageConst.DELAY]: String(level),
    [MessageConst.REAL_TOPIC]: message.topic,
    [MessageConst.REAL_QID]: String(message.queueId),
  };
  return {
    ...message,
    topic: SystemName.SCHEDULE_TOPIC,
    queueId: scheduleQueueIdOf(level),
    properties,
    tagsCodeOverride: nowMs + delayMsOfLevel(level, levelsMs),
  };
}

/** The real message of a due schedule entry, or null when REAL_TOPIC / REAL_QID are missing. */
export function fromScheduled(stored: StoredMessage): MessageToAppend | null {
  const topic = stored.properties[MessageConst.REAL_TOPIC];
  const queueId = Number(stored.properties[MessageConst.REAL_QID]);
  if (topic === undefined || topic === '' || !Number.isInteger(queueId) || queueId < 0) return null;
  const properties: MessageProperties = { ...stored.properties, [MessageConst.WAIT]: 'false' };
  delete properties[MessageConst.DELAY];
  return {
    topic,
    queueId,
    body: stored.body,
    flag: stored.flag,
    properties,
    sysFlag: stored.sysFlag,
    bornTimestampMs: stored.bornTimestampMs,
    bornHost: stored.bornHost,
    reconsumeTimes: stored.reconsumeTimes,
    preparedTransactionOffset: stored.preparedTransactionOffset,
  };
}

/** Appends a control-plane message, parking it in the schedule topic when it has a DELAY level. */
export function appendMaybeDelayed(
  store: StoreFacade,
  message: MessageToAppend,
  levelsMs: readonly number[],
  nowMs: number,
): Promise<AppendOutcome> {
  const delayed = delayLevelOf(message.properties) > 0 && message.topic !== SystemName.SCHEDULE_TOPIC;
  return store.append(delayed ? toScheduled(message, levelsMs, nowMs) : message);
}
