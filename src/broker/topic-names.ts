import { TOPIC_NAME_CHARS_MAX } from '../common/limits.js';
import { SystemName } from '../protocol/message-const.js';

/**
 * Topic-name rules of the broker (reference §2.3 step 3, §2.6, §5.10): the name pattern, the
 * system topics an admin may not create or update, and the retry/DLQ names of a group.
 */

/** TopicValidator's system set; the cluster and broker names are added at start. */
export const FIXED_SYSTEM_TOPICS: readonly string[] = [
  SystemName.AUTO_CREATE_TOPIC_KEY_TOPIC, SystemName.SCHEDULE_TOPIC, SystemName.BENCHMARK_TOPIC,
  SystemName.TRANS_HALF_TOPIC, SystemName.TRACE_TOPIC, SystemName.TRANS_OP_HALF_TOPIC,
  SystemName.TRANS_CHECK_MAX_TIME_TOPIC, SystemName.SELF_TEST_TOPIC, SystemName.OFFSET_MOVED_EVENT,
];

const TOPIC_CHARS = /^[%|a-zA-Z0-9_-]+$/;

/** Why a topic name is refused, or undefined when it is valid (Java's TopicValidator texts). */
export function topicNameProblem(topic: string): string | undefined {
  if (topic.trim() === '') return 'The specified topic is blank.';
  if (!TOPIC_CHARS.test(topic)) {
    return `The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  if (topic.length > TOPIC_NAME_CHARS_MAX) {
    return `The specified topic is longer than topic max length ${TOPIC_NAME_CHARS_MAX}.`;
  }
  return undefined;
}

export function retryTopicOf(group: string): string {
  return `${SystemName.RETRY_GROUP_TOPIC_PREFIX}${group}`;
}

export function dlqTopicOf(group: string): string {
  return `${SystemName.DLQ_GROUP_TOPIC_PREFIX}${group}`;
}

export function replyTopicOf(cluster: string): string {
  return `${cluster}_${SystemName.REPLY_TOPIC_POSTFIX}`;
}
