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
 * CPU and garbage. Here the numbers are read at once (plain int loads), the body is a view of
 * the response buffer (inflated when compressed), and `topic`, `properties`, `msgId`,
 * `bornHost` and `storeHost` are accessors on the prototype that decode once and cache. The
 * values are exactly what the eager decoder gives (golden and property tests).
 *
 * Objects are made with `Object.create(prototype)` and their own fields assigned in one fixed
 * order (one hidden class), not with `new MessageExt(...)`: Message's constructor defines
 * `topic` and `properties` as own data fields, which would hide the accessors. They are
 * `instanceof MessageExt` and behave as one, with one visible difference: their own
 * enumerable keys are the internal slots (`toJSON` gives the same fields as a MessageExt).
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

/** The internal slots of a pulled message (own fields), besides MessageExt's numeric fields. */
interface PulledSlots {
  source: Buffer;
  /** The record's first byte in `source`. */
  position: number;
  /** Where the topic length byte is (right after the stored body). */
  topicAt: number;
  batch: PulledBatch;
  topicText: string | undefined;
  propertiesText: string | undefined;
  propertyMap: Record<string, string> | undefined;
  msgIdText: string | undefined;
  bornHostText: string | undefined;
  storeHostText: string | undefined;
  consumeStartTimeText: string | undefined;
}

type Pulled = MessageExt & PulledSlots;

function longAt(source: Buffer, position: number): number {
  const value = safeLongAt(source, position);
  if (Number.isNaN(value)) throw recordError(`long at ${position} exceeds 2^53`);
  return value;
}

/**
 * The message of the (validated, see `checkRecord`) record at `position` of `source`. Own
 * fields are assigned in the same order for every message (keep it so: one hidden class).
 */
export function pulledMessage(source: Buffer, position: number, batch: PulledBatch): MessageExt {
  const message = Object.create(PULLED_PROTOTYPE) as Pulled;
  const sysFlag = int32At(source, position + RecordPosition.SYS_FLAG);
  const reconsumeAt = position + reconsumeTimesPosition(sysFlag);
  const bodyStart = position + bodyLengthPosition(sysFlag) + 4;
  const bodyEnd = bodyStart + int32At(source, bodyStart - 4);
  message.body = maybeDecompress(source.subarray(bodyStart, bodyEnd), sysFlag);
  message.flag = int32At(source, position + RecordPosition.FLAG);
  message.transactionId = undefined;
  message.brokerName = batch.brokerName;
  message.queueId = int32At(source, position + RecordPosition.QUEUE_ID);
  message.queueOffset = longAt(source, position + RecordPosition.QUEUE_OFFSET);
  message.commitLogOffset = longAt(source, position + RecordPosition.PHYSICAL_OFFSET);
  message.storeSize = int32At(source, position);
  message.bodyCRC = int32At(source, position + RecordPosition.BODY_CRC);
  message.sysFlag = sysFlag;
  message.bornTimestamp = longAt(source, position + RecordPosition.BORN_TIMESTAMP);
  message.storeTimestamp = longAt(source, position + storeTimestampPosition(sysFlag));
  message.reconsumeTimes = int32At(source, reconsumeAt);
  message.preparedTransactionOffset = longAt(source, reconsumeAt + 4);
  message.deriveOffsetMsgId();
  message.source = source;
  message.position = position;
  message.topicAt = bodyEnd;
  message.batch = batch;
  message.topicText = undefined;
  message.propertiesText = undefined;
  message.propertyMap = undefined;
  message.msgIdText = undefined;
  message.bornHostText = undefined;
  message.storeHostText = undefined;
  message.consumeStartTimeText = undefined;
  return message;
}

function topicOf(message: Pulled): string {
  const { source, topicAt, batch } = message;
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
function propertiesTextOf(message: Pulled): string {
  if (message.propertiesText === undefined) {
    const { source, topicAt } = message;
    const lengthAt = topicAt + 1 + (source[topicAt] as number);
    const propertiesBytes = source.readInt16BE(lengthAt);
    message.propertiesText = propertiesBytes <= 0 ? '' : source.toString('utf8', lengthAt + 2, lengthAt + 2 + propertiesBytes);
  }
  return message.propertiesText;
}

/** The map as the eager decoder builds it: the record's properties, then MIN/MAX_OFFSET. */
function propertiesOf(message: Pulled): Record<string, string> {
  if (message.propertyMap === undefined) {
    const properties = decodeProperties(propertiesTextOf(message));
    properties[MessageProperty.MIN_OFFSET] = message.batch.minOffsetText;
    properties[MessageProperty.MAX_OFFSET] = message.batch.maxOffsetText;
    if (message.consumeStartTimeText !== undefined) {
      properties[MessageProperty.CONSUME_START_TIME] = message.consumeStartTimeText;
    }
    message.propertyMap = properties;
  }
  return message.propertyMap;
}

/** One property without building the map (the map's value once it exists). */
export function pulledProperty(message: MessageExt, name: string): string | undefined {
  if (!isPulled(message)) return message.properties[name];
  if (message.propertyMap !== undefined) return message.propertyMap[name];
  return findProperty(propertiesTextOf(message), name);
}

/** The TAGS of any MessageExt, without building a pulled message's property map. */
export function tagsOf(message: MessageExt): string | undefined {
  return pulledProperty(message, MessageProperty.TAGS);
}

function isPulled(message: MessageExt): message is Pulled {
  return Object.getPrototypeOf(message) === PULLED_PROTOTYPE;
}

function hostAt(message: Pulled, store: boolean): string {
  const { source, position, sysFlag } = message;
  return store
    ? decodeHost(source, position + storeHostPosition(sysFlag), (sysFlag & SysFlag.STOREHOST_V6) !== 0)
    : decodeHost(source, position + RecordPosition.BORN_HOST, (sysFlag & SysFlag.BORNHOST_V6) !== 0);
}

function accessor<T>(get: (message: Pulled) => T, set: (message: Pulled, value: T) => void): PropertyDescriptor {
  return {
    get(this: Pulled): T {
      return get(this);
    },
    set(this: Pulled, value: T): void {
      set(this, value);
    },
    enumerable: false,
    configurable: false,
  };
}

const PULLED_PROTOTYPE: object = Object.create(MessageExt.prototype, {
  topic: accessor<string>(
    (message) => (message.topicText ??= topicOf(message)),
    (message, value) => { message.topicText = value; },
  ),
  properties: accessor<Record<string, string>>(
    propertiesOf,
    (message, value) => { message.propertyMap = value; },
  ),
  msgId: accessor<string>(
    (message) => (message.msgIdText ??= findProperty(propertiesTextOf(message), MessageProperty.UNIQ_KEY) ?? message.offsetMsgId),
    (message, value) => { message.msgIdText = value; },
  ),
  bornHost: accessor<string>(
    (message) => (message.bornHostText ??= hostAt(message, false)),
    (message, value) => { message.bornHostText = value; },
  ),
  storeHost: accessor<string>(
    (message) => (message.storeHostText ??= hostAt(message, true)),
    (message, value) => { message.storeHostText = value; },
  ),
  setConsumeStartTime: {
    value(this: Pulled, startTimeText: string): void {
      if (this.propertyMap === undefined) this.consumeStartTimeText = startTimeText;
      else this.propertyMap[MessageProperty.CONSUME_START_TIME] = startTimeText;
    },
  },
  toJSON: {
    value(this: Pulled): Record<string, unknown> {
      return {
        topic: this.topic, body: this.body, flag: this.flag, transactionId: this.transactionId,
        properties: this.properties, msgId: this.msgId, brokerName: this.brokerName, queueId: this.queueId,
        queueOffset: this.queueOffset, commitLogOffset: this.commitLogOffset, storeSize: this.storeSize,
        bodyCRC: this.bodyCRC, sysFlag: this.sysFlag, bornTimestamp: this.bornTimestamp, bornHost: this.bornHost,
        storeTimestamp: this.storeTimestamp, storeHost: this.storeHost, reconsumeTimes: this.reconsumeTimes,
        preparedTransactionOffset: this.preparedTransactionOffset, offsetMsgId: this.offsetMsgId,
      };
    },
  },
});
