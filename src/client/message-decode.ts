import { type DecodedRecord, decodeRecords } from '../protocol/record-decode.js';
import { maybeDecompress } from './compression.js';
import { MessageExt, MessageProperty } from './message.js';

/**
 * Turns a PULL response body (records back to back, reference §3.1) into MessageExt objects:
 * bodies inflated when compressed, `brokerName` set, and the queue's min/max offsets added as
 * MIN_OFFSET / MAX_OFFSET properties as the Java client does.
 */
export function decodePulledMessages(
  body: Buffer, brokerName: string, minOffset: number, maxOffset: number,
): MessageExt[] {
  const records = decodeRecords(body);
  const messages: MessageExt[] = new Array<MessageExt>(records.length);
  for (let i = 0; i < records.length; i++) {
    const message = toMessageExt(records[i]!, brokerName);
    message.properties[MessageProperty.MIN_OFFSET] = String(minOffset);
    message.properties[MessageProperty.MAX_OFFSET] = String(maxOffset);
    messages[i] = message;
  }
  return messages;
}

/** One decoded record as a MessageExt (body inflated when compressed). */
export function toMessageExt(record: DecodedRecord, brokerName: string): MessageExt {
  const message = new MessageExt(record.topic, maybeDecompress(record.body, record.sysFlag));
  Object.assign(message.properties, record.properties);
  message.flag = record.flag;
  message.brokerName = brokerName;
  message.queueId = record.queueId;
  message.queueOffset = record.queueOffset;
  message.commitLogOffset = record.physicalOffset;
  message.storeSize = record.totalSize;
  message.bodyCRC = record.bodyCrc;
  message.sysFlag = record.sysFlag;
  message.bornTimestamp = record.bornTimestampMs;
  message.bornHost = record.bornHost;
  message.storeTimestamp = record.storeTimestampMs;
  message.storeHost = record.storeHost;
  message.reconsumeTimes = record.reconsumeTimes;
  message.preparedTransactionOffset = record.preparedTransactionOffset;
  message.offsetMsgId = record.offsetMsgId;
  message.msgId = record.properties[MessageProperty.UNIQ_KEY] ?? message.offsetMsgId;
  return message;
}
