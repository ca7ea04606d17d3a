import { type DecodedRecord, checkRecord, recordKindAt } from '../protocol/record-decode.js';
import { RecordPosition, storeHostPosition, SysFlag } from '../protocol/record-layout.js';
import { decodeHost } from '../protocol/host-address.js';
import { maybeDecompress } from './compression.js';
import { MessageExt, MessageProperty } from './message.js';
import { pulledBatch, pulledMessage } from './pulled-message.js';

/**
 * Turns a PULL response body (records back to back, reference §3.1) into MessageExt objects:
 * bodies inflated when compressed, `brokerName` set, and the queue's min/max offsets added as
 * MIN_OFFSET / MAX_OFFSET properties as the Java client does.
 *
 * Hot path of the consumer: each record is validated (`checkRecord`) and becomes a lazily
 * decoded message (./pulled-message.ts): numbers read at once, the body a view of `body`,
 * strings (topic, properties, ids, hosts) decoded on first read. `topic` is the pulled queue's
 * topic, which every record of the queue carries (a record whose bytes differ keeps its own).
 */
export function decodePulledMessages(
  body: Buffer, brokerName: string, minOffset: number, maxOffset: number, topic = '',
): MessageExt[] {
  const batch = pulledBatch(brokerName, topic, minOffset, maxOffset);
  const messages: MessageExt[] = [];
  let position = 0;
  while (recordKindAt(body, position) === 'message') {
    const totalSize = checkRecord(body, position);
    messages.push(pulledMessage(body, position, batch));
    position += totalSize;
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

/**
 * One decoded record as an eager MessageExt (body inflated when compressed); the record's
 * properties map is adopted. For single records outside the pull path (transaction checks).
 */
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
