import { MESSAGE_BYTES_MAX_DEFAULT, TOPIC_NAME_CHARS_MAX } from '../common/limits.js';
import { NOT_ALLOWED_SEND_TOPICS } from '../protocol/message-const.js';
import { invalidMessage } from './errors.js';
import type { Message } from './message.js';

/**
 * Local checks that refuse a bad message before anything is sent, with the Java client's
 * wording (Validators.checkTopic / checkMessage; reference §3.1 limits, §4 names).
 */
const NAME_PATTERN = /^[%|a-zA-Z0-9_-]+$/;
const GROUP_NAME_CHARS_MAX = 255;

export const DEFAULT_TOPIC = 'TBW102';

export function checkTopic(topic: string): void {
  if (topic.trim().length === 0) throw invalidMessage('The specified topic is blank');
  if (!NAME_PATTERN.test(topic)) {
    throw invalidMessage(`The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`);
  }
  if (topic.length > TOPIC_NAME_CHARS_MAX) {
    throw invalidMessage(`The specified topic is longer than topic max length ${TOPIC_NAME_CHARS_MAX}.`);
  }
}

export function checkSendTopic(topic: string): void {
  checkTopic(topic);
  if (topic === DEFAULT_TOPIC) throw invalidMessage(`The topic[${topic}] is conflict with default topic.`);
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) {
    throw invalidMessage(`Sending message to topic[${topic}] is forbidden.`);
  }
}

export function checkGroup(group: string): void {
  if (group.trim().length === 0) throw invalidMessage('the specified group is blank');
  if (!NAME_PATTERN.test(group)) {
    throw invalidMessage(`the specified group[${group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`);
  }
  if (group.length > GROUP_NAME_CHARS_MAX) throw invalidMessage('the specified group is longer than group max length 255.');
}

/** Topics that passed checkSendTopic (bounded), so the hot path skips the regex. */
const checkedTopics = new Set<string>();
const CHECKED_TOPICS_MAX = 10_000;

/** Refuses an invalid topic, an empty body or a body over `maxMessageSizeBytes`. */
export function checkMessage(message: Message, maxMessageSizeBytes: number = MESSAGE_BYTES_MAX_DEFAULT): void {
  if (!checkedTopics.has(message.topic)) {
    checkSendTopic(message.topic);
    if (checkedTopics.size < CHECKED_TOPICS_MAX) checkedTopics.add(message.topic);
  }
  if (message.body.length === 0) throw invalidMessage('the message body length is zero');
  if (message.body.length > maxMessageSizeBytes) {
    throw invalidMessage(`the message body size over max value, MAX: ${maxMessageSizeBytes}`);
  }
}
