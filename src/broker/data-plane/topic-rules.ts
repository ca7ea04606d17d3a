import { TOPIC_NAME_CHARS_MAX } from '../../common/limits.js';
import { NOT_ALLOWED_SEND_TOPICS } from '../../protocol/message-const.js';

/**
 * Topic name and permission rules of the send and pull paths (reference §2.3 steps 3-6, §4,
 * §5.10). Remarks follow RocketMQ's TopicValidator so operators recognise them.
 */
export const Perm = { PRIORITY: 8, READ: 4, WRITE: 2, INHERIT: 1 } as const;

export const SystemTopic = {
  DEFAULT: 'TBW102',
  SCHEDULE: 'SCHEDULE_TOPIC_XXXX',
  TRANS_HALF: 'RMQ_SYS_TRANS_HALF_TOPIC',
  TRANS_OP_HALF: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  TRANS_CHECK_MAX_TIME: 'TRANS_CHECK_MAX_TIME_TOPIC',
  SELF_TEST: 'SELF_TEST_TOPIC',
  OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
  /** Petrel's arbitrary-time delivery topic (timer/timer-rules.ts TIMER_TOPIC). */
  TIMER: 'PETREL_SYS_TIMER_TOPIC',
} as const;

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

/** Topics a producer may not send to (TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET, and Petrel's timer topic). */
const NOT_ALLOWED_SEND: ReadonlySet<string> = new Set<string>([...NOT_ALLOWED_SEND_TOPICS, SystemTopic.TIMER]);

const VALID_CHARS = '^[%|a-zA-Z0-9_-]+$';

function isValidTopicChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) // 0-9
    || (code >= 0x41 && code <= 0x5a) // A-Z
    || (code >= 0x61 && code <= 0x7a) // a-z
    || code === 0x25 || code === 0x7c || code === 0x5f || code === 0x2d; // % | _ -
}

/** RocketMQ's remark for an invalid topic name, or null when the name is fine. */
export function topicNameProblem(topic: string): string | null {
  if (topic.trim() === '') return 'The specified topic is blank.';
  for (let i = 0; i < topic.length; i++) {
    if (!isValidTopicChar(topic.charCodeAt(i))) {
      return `The specified topic[${topic}] contains illegal characters, allowing only ${VALID_CHARS}`;
    }
  }
  if (topic.length > TOPIC_NAME_CHARS_MAX) return 'The specified topic is longer than topic max length.';
  return null;
}

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND.has(topic);
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

/** `%RETRY%<group>` → `<group>`; null for any other topic. */
export function retryTopicGroup(topic: string): string | null {
  return isRetryTopic(topic) ? topic.slice(RETRY_GROUP_TOPIC_PREFIX.length) : null;
}

export function dlqTopicOf(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) !== 0;
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) !== 0;
}

export function isInherited(perm: number): boolean {
  return (perm & Perm.INHERIT) !== 0;
}
