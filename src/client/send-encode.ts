import type { RemotingCommand } from '../protocol/command.js';
import { encodeProperties } from '../protocol/properties.js';
import { maybeCompress } from './compression.js';
import { invalidMessage } from './errors.js';
import { type Message, MessageProperty } from './message.js';
import type { MessageQueue } from './message-queue.js';
import type { SendResult } from './send-result.js';
import { sendResponseOf, sendResultOf } from './send-response.js';
import { encodeBatch as encodeBatchBody } from '../protocol/batch.js';

/**
 * Send-path encoding: stamping the UNIQ_KEY, compressing, writing the properties string and the
 * batch body (reference §3.3-3.6), and reading the send response. Pure functions; the hot path.
 */
export interface PreparedMessage {
  body: Buffer;
  sysFlag: number;
  /** The message's properties map (written straight into the frame), or an encoded string. */
  properties: Readonly<Record<string, string>> | string;
  uniqKey: string;
}

/** Anything with `next()` producing a UNIQ_KEY. */
export interface UniqKeySource {
  next(): string;
}

/** The message's UNIQ_KEY, stamped first if it has none. */
export function stampUniqKey(message: Message, keys: UniqKeySource): string {
  let uniqKey = message.properties[MessageProperty.UNIQ_KEY];
  if (uniqKey === undefined) {
    uniqKey = keys.next();
    message.properties[MessageProperty.UNIQ_KEY] = uniqKey;
  }
  return uniqKey;
}

/** Stamps a UNIQ_KEY (unless present) and compresses large bodies. */
export function prepareMessage(
  message: Message, keys: UniqKeySource, compressOverBytes: number, compressLevel: number,
): PreparedMessage {
  const uniqKey = stampUniqKey(message, keys);
  if (message.body.length < compressOverBytes) return { body: message.body, sysFlag: 0, properties: message.properties, uniqKey };
  const { body, sysFlag } = maybeCompress(message.body, compressOverBytes, compressLevel);
  return { body, sysFlag, properties: message.properties, uniqKey };
}

/**
 * Encodes a batch body (reference §3.6): per message
 * `TOTALSIZE i32 | MAGIC i32 (0) | BODYCRC i32 (0) | FLAG i32 | BODYLEN i32 | BODY | PROPLEN i16 | PROPERTIES`.
 * Java's batch rules apply: one topic, no delay, not a retry topic, one WAIT value.
 */
export function encodeBatch(messages: readonly Message[], keys: UniqKeySource): { body: Buffer; uniqKeys: string[] } {
  const first = messages[0];
  if (first === undefined) throw invalidMessage('a batch needs at least one message');
  const uniqKeys: string[] = [];
  for (const message of messages) {
    if (message.topic !== first.topic) throw invalidMessage('The topic of the messages in one batch should be the same');
    if (message.delayTimeLevel > 0) throw invalidMessage('TimeDelayLevel is not supported for batching');
    if (message.topic.startsWith('%RETRY%')) throw invalidMessage('Retry Group is not supported for batching');
    if (message.waitStoreMsgOK !== first.waitStoreMsgOK) {
      throw invalidMessage('The waitStoreMsgOK of the messages in one batch should the same');
    }
    let uniqKey = message.properties[MessageProperty.UNIQ_KEY];
    if (uniqKey === undefined) {
      uniqKey = keys.next();
      message.properties[MessageProperty.UNIQ_KEY] = uniqKey;
    }
    uniqKeys.push(uniqKey);
  }
  const body = encodeBatchBody(messages.map((m) => ({ flag: m.flag, body: m.body, properties: encodeProperties(m.properties) })));
  return { body, uniqKeys };
}

/** Reads a SEND response; throws MQResponseError for anything but the four stored codes. */
export function parseSendResponse(response: RemotingCommand, queue: MessageQueue, msgId: string): SendResult {
  return sendResultOf(sendResponseOf(response), queue, msgId);
}
