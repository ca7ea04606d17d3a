import { int32At, safeLongAt } from '../protocol/bytes.js';
import { decodeHost } from '../protocol/host-address.js';
import { decodeProperties, findProperty } from '../protocol/properties.js';
import { recordError } from '../protocol/record.js';
import {
  bodyLengthPosition, RecordPosition, reconsumeTimesPosition, storeHostPosition, storeTimestampPosition, SysFlag,
} from '../protocol/record-layout.js';
import { maybeDecompress } from './compression.js';
import { MessageExt, MessageProperty } from './message.js';

/**
 * A pulled record as a MessageExt whose string fields are read from the record bytes only when
 * used (the consumer's hot path; reference §3.1 for the layout). A pull answer carries
 * hundreds of records; a listener usually reads the body and a timestamp or two, so decoding
 * every record's topic, properties map, hosts and ids up front was most of the consumer's
 * CPU and garbage. Here the 32-bit numbers and the queue offset are read at once (plain int
 * loads), the other 64-bit numbers (commitLogOffset, bornTimestamp, storeTimestamp,
 * preparedTransactionOffset) when read (range-checked at once, so a bad record still fails
 * the decode; no boxed double per message), the body is a view of the response buffer
 * (inflated when compressed), and `topic`, `properties`, `msgId`, `bornHost` and `storeHost`
 * are accessors on the prototype that decode once and cache. The values are exactly what the
 * eager decoder gives (golden and property tests).
 *
 * The class does not extend MessageExt in TypeScript (Message's constructor defines `topic` and
 * `properties` as own data fields, which would hide the accessors); its prototype is linked to
 * MessageExt.prototype at load, so a pulled message is `instanceof MessageExt` and has all its
 * methods. One visible difference: its own enumerable keys include the internal slots
 * (`toJSON` gives the same fields as a MessageExt). A plain class (not `Object.create`) so V8
 * keeps every field in the object itself: one allocation per message.
 */

/** What the records of one pull answer share. */
export interface PulledBatch {
  readonly brokerName: string;
  /** The pulled queue's topic: every record of a queue carries it; checked against the bytes. */
  readonly topic: string;
  readonly topicBytes: Buffer;
  readonly minOffsetText: string;
  readonly maxOffsetText: string;
}

export function pulledBatch(brokerName: string, topic: string, minOffset: number, maxOffset: number): PulledBatch {
  return {
    brokerName, topic, topicBytes: Buffer.from(topic, 'utf8'),
    minOffsetText: String(minOffset), maxOffsetText: String(maxOffset),
  };
}

function longAt(source: Buffer, position: number): number {
  const value = safeLongAt(source, position);
  if (Number.isNaN(value)) throw recordError(`long at ${position} exceeds 2^53`);
  return value;
}

/** Throws as `longAt` does when the 64-bit value at `position` is not a safe integer (read lazily later). */
function checkLong(source: Buffer, position: number): void {
  const high = int32At(source, position);
  if (high >= 0x200000 || high < -0x200000) longAt(source, position);
}

/**
 * What a pulled message decodes on first read (topic, properties, ids, hosts) and what the
 * application assigns over the record's values: one object made only when any of it is used,
 * so a message that is only counted and its body read stays ~80 B smaller (less young
 * generation to scavenge and promote while it waits in the process queue).
 */
class PulledLazy {
  topicText: string | undefined = undefined;
  propertiesText: string | undefined = undefined;
  propertyMap: Record<string, string> | undefined = undefined;
  msgIdText: string | undefined = undefined;
  bornHostText: string | undefined = undefined;
  storeHostText: string | undefined = undefined;
  /** Values assigned by the application; until then the 64-bit fields are read from the record. */
  commitLogOffsetValue: number | undefined = undefined;
  bornTimestampValue: number | undefined = undefined;
  storeTimestampValue: number | undefined = undefined;
  preparedTransactionOffsetValue: number | undefined = undefined;
}

/**
 * The message of the (validated, see `checkRecord`) record at `position` of `source`. Fields
 * are assigned in the same order for every message (keep it so: one hidden class).
 */
class PulledMessage {
  declare body: Buffer;
  declare flag: number;
  declare transactionId: string | undefined;
  declare brokerName: string;
  declare queueId: number;
  declare queueOffset: number;
  declare storeSize: number;
  declare bodyCRC: number;
  declare sysFlag: number;
  declare reconsumeTimes: number;
  /** MessageExt's lazy offset message id slot (null: derive from storeHost and commitLogOffset). */
  declare offsetMsgIdText: string | null;
  declare private readonly source: Buffer;
  /** The record's first byte in `source`. */
  declare private readonly position: number;
  /** Where the topic length byte is (right after the stored body). */
  declare private readonly topicAt: number;
  declare private readonly batch: PulledBatch;
  declare private consumeStartTimeText: string | undefined;
  /** Decoded strings and values the application assigned, made on first use (see PulledLazy). */
  declare private lazy: PulledLazy | undefined;
  declare readonly offsetMsgId: string;

  constructor(source: Buffer, position: number, batch: PulledBatch) {
    const sysFlag = int32At(source, position + RecordPosition.SYS_FLAG);
    const reconsumeAt = position + reconsumeTimesPosition(sysFlag);
    const bodyStart = position + bodyLengthPosition(sysFlag) + 4;
    const bodyEnd = bodyStart + int32At(source, bodyStart - 4);
    this.body = maybeDecompress(source.subarray(bodyStart, bodyEnd), sysFlag);
    this.flag = int32At(source, position + RecordPosition.FLAG);
    this.transactionId = undefined;
    this.brokerName = batch.brokerName;
    this.queueId = int32At(source, position + RecordPosition.QUEUE_ID);
    this.queueOffset = longAt(source, position + RecordPosition.QUEUE_OFFSET);
    this.storeSize = int32At(source, position);
    this.bodyCRC = int32At(source, position + RecordPosition.BODY_CRC);
    this.sysFlag = sysFlag;
    this.reconsumeTimes = int32At(source, reconsumeAt);
    checkLong(source, position + RecordPosition.PHYSICAL_OFFSET);
    checkLong(source, position + RecordPosition.BORN_TIMESTAMP);
    checkLong(source, position + storeTimestampPosition(sysFlag));
    checkLong(source, reconsumeAt + 4);
    this.offsetMsgIdText = null;
    this.source = source;
    this.position = position;
    this.topicAt = bodyEnd;
    this.batch = batch;
    this.consumeStartTimeText = undefined;
    this.lazy = undefined;
  }

  private extras(): PulledLazy {
    this.lazy ??= new PulledLazy();
    return this.lazy;
  }

  // The 64-bit numbers are read when used: no double boxed per message for fields most
  // listeners never look at (a listener that does gets the same value every time).
  get commitLogOffset(): number {
    return this.lazy?.commitLogOffsetValue ?? longAt(this.source, this.position + RecordPosition.PHYSICAL_OFFSET);
  }

  set commitLogOffset(value: number) {
    this.extras().commitLogOffsetValue = value;
  }

  get bornTimestamp(): number {
    return this.lazy?.bornTimestampValue ?? longAt(this.source, this.position + RecordPosition.BORN_TIMESTAMP);
  }

  set bornTimestamp(value: number) {
    this.extras().bornTimestampValue = value;
  }

  get storeTimestamp(): number {
    return this.lazy?.storeTimestampValue ?? longAt(this.source, this.position + storeTimestampPosition(this.sysFlag));
  }

  set storeTimestamp(value: number) {
    this.extras().storeTimestampValue = value;
  }

  get preparedTransactionOffset(): number {
    return this.lazy?.preparedTransactionOffsetValue
      ?? longAt(this.source, this.position + reconsumeTimesPosition(this.sysFlag) + 4);
  }

  set preparedTransactionOffset(value: number) {
    this.extras().preparedTransactionOffsetValue = value;
  }

  /** The queue's topic string is not cached (no extras object for it): only a record's own is. */
  get topic(): string {
    const cached = this.lazy?.topicText;
    if (cached !== undefined) return cached;
    const topic = this.decodeTopic();
    if (topic !== this.batch.topic) this.extras().topicText = topic;
    return topic;
  }

  set topic(value: string) {
    this.extras().topicText = value;
  }

  /** The map as the eager decoder builds it: the record's properties, then MIN/MAX_OFFSET. */
  get properties(): Record<string, string> {
    const lazy = this.extras();
    if (lazy.propertyMap === undefined) {
      const properties = decodeProperties(this.storedProperties());
      properties[MessageProperty.MIN_OFFSET] = this.batch.minOffsetText;
      properties[MessageProperty.MAX_OFFSET] = this.batch.maxOffsetText;
      if (this.consumeStartTimeText !== undefined) {
        properties[MessageProperty.CONSUME_START_TIME] = this.consumeStartTimeText;
      }
      lazy.propertyMap = properties;
    }
    return lazy.propertyMap;
  }

  set properties(value: Record<string, string>) {
    this.extras().propertyMap = value;
  }

  get msgId(): string {
    const lazy = this.extras();
    lazy.msgIdText ??= findProperty(this.storedProperties(), MessageProperty.UNIQ_KEY) ?? this.offsetMsgId;
    return lazy.msgIdText;
  }

  set msgId(value: string) {
    this.extras().msgIdText = value;
  }

  get bornHost(): string {
    const lazy = this.extras();
    lazy.bornHostText ??= decodeHost(this.source, this.position + RecordPosition.BORN_HOST,
      (this.sysFlag & SysFlag.BORNHOST_V6) !== 0);
    return lazy.bornHostText;
  }

  set bornHost(value: string) {
    this.extras().bornHostText = value;
  }

  get storeHost(): string {
    const lazy = this.extras();
    lazy.storeHostText ??= decodeHost(this.source, this.position + storeHostPosition(this.sysFlag),
      (this.sysFlag & SysFlag.STOREHOST_V6) !== 0);
    return lazy.storeHostText;
  }

  set storeHost(value: string) {
    this.extras().storeHostText = value;
  }

  /** One property without building the map (the map's value once it exists). */
  property(name: string): string | undefined {
    const map = this.lazy?.propertyMap;
    if (map !== undefined) return map[name];
    return findProperty(this.storedProperties(), name);
  }

  setConsumeStartTime(startTimeText: string): void {
    const map = this.lazy?.propertyMap;
    if (map === undefined) this.consumeStartTimeText = startTimeText;
    else map[MessageProperty.CONSUME_START_TIME] = startTimeText;
  }

  toJSON(): Record<string, unknown> {
    return {
      topic: this.topic, body: this.body, flag: this.flag, transactionId: this.transactionId,
      properties: this.properties, msgId: this.msgId, brokerName: this.brokerName, queueId: this.queueId,
      queueOffset: this.queueOffset, commitLogOffset: this.commitLogOffset, storeSize: this.storeSize,
      bodyCRC: this.bodyCRC, sysFlag: this.sysFlag, bornTimestamp: this.bornTimestamp, bornHost: this.bornHost,
      storeTimestamp: this.storeTimestamp, storeHost: this.storeHost, reconsumeTimes: this.reconsumeTimes,
      preparedTransactionOffset: this.preparedTransactionOffset, offsetMsgId: this.offsetMsgId,
    };
  }

  /** The queue's topic when the record's bytes are the same (no new string), else the record's own. */
  private decodeTopic(): string {
    const { source, topicAt, batch } = this;
    const topicBytes = source[topicAt] as number;
    const expected = batch.topicBytes;
    if (topicBytes === expected.length) {
      let same = true;
      for (let i = 0; i < topicBytes && same; i++) same = source[topicAt + 1 + i] === expected[i];
      if (same) return batch.topic;
    }
    return source.toString('utf8', topicAt + 1, topicAt + 1 + topicBytes);
  }

  /** The stored properties string (cached). */
  private storedProperties(): string {
    const lazy = this.extras();
    if (lazy.propertiesText === undefined) {
      const { source, topicAt } = this;
      const lengthAt = topicAt + 1 + (source[topicAt] as number);
      const propertiesBytes = source.readInt16BE(lengthAt);
      lazy.propertiesText = propertiesBytes <= 0 ? '' : source.toString('utf8', lengthAt + 2, lengthAt + 2 + propertiesBytes);
    }
    return lazy.propertiesText;
  }
}

// MessageExt's methods (tags, keys, putUserProperty, offsetMsgId, toString, ...) for pulled messages.
Object.setPrototypeOf(PulledMessage.prototype, MessageExt.prototype);

export function pulledMessage(source: Buffer, position: number, batch: PulledBatch): MessageExt {
  return new PulledMessage(source, position, batch) as unknown as MessageExt;
}

/** One property of any MessageExt, without building a pulled message's property map. */
export function pulledProperty(message: MessageExt, name: string): string | undefined {
  const candidate: unknown = message;
  return candidate instanceof PulledMessage ? candidate.property(name) : message.properties[name];
}

/** The TAGS of any MessageExt, without building a pulled message's property map. */
export function tagsOf(message: MessageExt): string | undefined {
  return pulledProperty(message, MessageProperty.TAGS);
}
