import { decodeHost } from '../protocol/host-address.js';
import { type DecodedRecord, decodeRecords } from '../protocol/record-decode.js';
import { RecordPosition, storeHostPosition, SysFlag } from '../protocol/record-layout.js';
import { maybeDecompress } from './compression.js';
import { MessageExt, MessageProperty } from './message.js';

/**
 * Turns a PULL response body (records back to back, reference §3.1) into MessageExt objects:
 * bodies inflated when compressed, `brokerName` set, and the queue's min/max offsets added as
 * MIN_OFFSET / MAX_OFFSET properties as the Java client does.
 *
 * Hot path of the consumer, and what it allocates stays alive in the process queue until
 * consumed (so every byte is copied by each young-generation GC it survives): the decoded
 * properties map becomes the message's map (no copy), host strings repeat (one producer host,
 * one store host) and are reused, MIN/MAX_OFFSET strings are shared by the batch, and the
 * offset message id is built only if read.
 */
export function decodePulledMessages(
  body: Buffer, brokerName: string, minOffset: number, maxOffset: number,
): MessageExt[] {
  const records = decodeRecords(body);
  const messages: MessageExt[] = new Array<MessageExt>(records.length);
  const minOffsetText = String(minOffset);
  const maxOffsetText = String(maxOffset);
  for (let i = 0; i < records.length; i++) {
    const message = toMessageExt(records[i]!, brokerName);
    message.properties[MessageProperty.MIN_OFFSET] = minOffsetText;
    message.properties[MessageProperty.MAX_OFFSET] = maxOffsetText;
    messages[i] = message;
  }
  return messages;
}

/** The last host decoded at one record position, reused while the bytes are the same. */
class HostText {
  private readonly bytes = Buffer.alloc(20);
  private size = 0;
  private text = '';

  read(source: Buffer, position: number, v6: boolean): string {
    const size = v6 ? 20 : 8;
    if (size === this.size && this.same(source, position)) return this.text;
    source.copy(this.bytes, 0, position, position + size);
    this.size = size;
    this.text = decodeHost(source, position, v6);
    return this.text;
  }

  private same(source: Buffer, position: number): boolean {
    for (let index = 0; index < this.size; index++) if (source[position + index] !== this.bytes[index]) return false;
    return true;
  }
}

const bornHosts = new HostText();
const storeHosts = new HostText();

/** One decoded record as a MessageExt (body inflated when compressed); the record's properties map is adopted. */
export function toMessageExt(record: DecodedRecord, brokerName: string): MessageExt {
  const message = new MessageExt(record.topic, maybeDecompress(record.body, record.sysFlag), record.properties);
  const sysFlag = record.sysFlag;
  message.flag = record.flag;
  message.brokerName = brokerName;
  message.queueId = record.queueId;
  message.queueOffset = record.queueOffset;
  message.commitLogOffset = record.physicalOffset;
  message.storeSize = record.totalSize;
  message.bodyCRC = record.bodyCrc;
  message.sysFlag = sysFlag;
  message.bornTimestamp = record.bornTimestampMs;
  message.bornHost = bornHosts.read(record.source, record.position + RecordPosition.BORN_HOST, (sysFlag & SysFlag.BORNHOST_V6) !== 0);
  message.storeTimestamp = record.storeTimestampMs;
  message.storeHost = storeHosts.read(record.source, record.position + storeHostPosition(sysFlag), (sysFlag & SysFlag.STOREHOST_V6) !== 0);
  message.reconsumeTimes = record.reconsumeTimes;
  message.preparedTransactionOffset = record.preparedTransactionOffset;
  message.deriveOffsetMsgId();
  message.msgId = message.properties[MessageProperty.UNIQ_KEY] ?? message.offsetMsgId;
  return message;
}
