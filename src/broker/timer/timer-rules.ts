import { MessageConst } from '../../protocol/message-const.js';

/**
 * Arbitrary-time delivery (beyond RocketMQ 4, docs/decisions.md "Timer messages"): a message
 * whose TIMER_DELIVER_MS property (absolute epoch ms) is in the future is parked in
 * TIMER_TOPIC queue 0 with REAL_TOPIC / REAL_QID, its consume-queue tagsCode set to the
 * delivery time, and the timer service re-stores it to its real topic and queue at that time.
 * Shared by both planes: the data plane parks producer sends, the control plane parks
 * committed transactional messages and delivers.
 */
export const TIMER_TOPIC = 'PETREL_SYS_TIMER_TOPIC';
export const TIMER_QUEUE_ID = 0;

/**
 * The delivery time of a TIMER_DELIVER_MS value, or null when absent or not a non-negative
 * integer (the message is then an ordinary one, as a RocketMQ 4 broker would treat it).
 */
export function parseTimerDeliverMs(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return null;
  const deliverMs = Number(value);
  return Number.isSafeInteger(deliverMs) ? deliverMs : null;
}

/** The delivery time of a message that must wait for the timer, or null (none, or already due). */
export function timerDueMs(properties: Readonly<Record<string, string>>, nowMs: number): number | null {
  const deliverMs = parseTimerDeliverMs(properties[MessageConst.TIMER_DELIVER_MS]);
  return deliverMs !== null && deliverMs > nowMs ? deliverMs : null;
}
