import { assert } from '../common/assert.js';
import { MessageConst, RESERVED_PROPERTY_NAMES } from '../protocol/message-const.js';
import { encodeOffsetMsgId } from '../protocol/message-id.js';

/**
 * The user's message (RocketMQ `Message`) and the consumer-side `MessageExt` with every field
 * of the stored record (reference §3.1). Properties are a plain string map; the wire encoding
 * (\u0001 / \u0002, reference §3.4) happens in the producer.
 */

/** Property keys the SDK reads or writes (reference §4, MessageConst): the protocol's table. */
export const MessageProperty = MessageConst;

/** Business keys are space-separated in the KEYS property. */
export const KEY_SEPARATOR = ' ';

export type MessageBody = Buffer | Uint8Array | string;

function toBuffer(body: MessageBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export interface MessageInit {
  topic: string;
  body: MessageBody;
  tags?: string;
  keys?: string | readonly string[];
  flag?: number;
  delayTimeLevel?: number;
  /** Deliver at this epoch ms (TIMER_DELIVER_MS); any time, millisecond resolution. */
  deliverTimeMs?: number;
  waitStoreMsgOK?: boolean;
  properties?: Readonly<Record<string, string>>;
}

/**
 * A message to send. Constructed like Java's: `new Message(topic, body)`,
 * `new Message(topic, tags, body)`, `new Message(topic, tags, keys, body)`, or from an object.
 * `WAIT=true` is set by default, as `new Message(...)` does in Java.
 */
export class Message {
  topic: string;
  body: Buffer;
  /** User flag, stored verbatim by the broker. */
  flag = 0;
  /** Transactional messages: the UNIQ_KEY once sent in a transaction (Java's transactionId; not on the wire). */
  transactionId: string | undefined = undefined;
  /**
   * Every property, system and user. Keys and values must not contain \u0001 or \u0002. A plain
   * object (not Object.create(null), which V8 keeps in slow dictionary mode): this map is walked
   * on every send.
   */
  readonly properties: Record<string, string> = {};

  constructor(init: MessageInit);
  constructor(topic: string, body: MessageBody);
  constructor(topic: string, tags: string, body: MessageBody);
  constructor(topic: string, tags: string, keys: string | readonly string[], body: MessageBody);
  constructor(
    topicOrInit: string | MessageInit,
    a?: MessageBody,
    b?: MessageBody | readonly string[],
    c?: MessageBody,
  ) {
    if (typeof topicOrInit === 'object') {
      this.topic = topicOrInit.topic;
      this.body = toBuffer(topicOrInit.body);
      this.initFrom(topicOrInit);
      return;
    }
    this.topic = topicOrInit;
    this.properties[MessageProperty.WAIT] = 'true';
    if (c !== undefined) {
      this.tags = a as string;
      this.keys = b as string | readonly string[];
      this.body = toBuffer(c);
    } else if (b !== undefined) {
      this.tags = a as string;
      this.body = toBuffer(b as MessageBody);
    } else {
      assert(a !== undefined, 'Message needs a body');
      this.body = toBuffer(a);
    }
  }

  private initFrom(init: MessageInit): void {
    if (init.properties !== undefined) Object.assign(this.properties, init.properties);
    this.properties[MessageProperty.WAIT] = String(init.waitStoreMsgOK ?? true);
    if (init.tags !== undefined) this.tags = init.tags;
    if (init.keys !== undefined) this.keys = init.keys;
    if (init.flag !== undefined) this.flag = init.flag;
    if (init.delayTimeLevel !== undefined) this.delayTimeLevel = init.delayTimeLevel;
    if (init.deliverTimeMs !== undefined) this.deliverTimeMs = init.deliverTimeMs;
  }

  get tags(): string | undefined {
    return this.properties[MessageProperty.TAGS];
  }

  set tags(value: string | undefined) {
    if (value === undefined || value.length === 0) delete this.properties[MessageProperty.TAGS];
    else this.properties[MessageProperty.TAGS] = value;
  }

  /** Business keys, space-separated on the wire; each one is indexed by the broker. */
  get keys(): string | undefined {
    return this.properties[MessageProperty.KEYS];
  }

  set keys(value: string | readonly string[] | undefined) {
    const joined = value === undefined ? '' : typeof value === 'string' ? value : value.join(KEY_SEPARATOR);
    if (joined.trim().length === 0) delete this.properties[MessageProperty.KEYS];
    else this.properties[MessageProperty.KEYS] = joined.trim();
  }

  /** Delay level 1..18 (0 = none), resolved by the broker's messageDelayLevel table. */
  get delayTimeLevel(): number {
    const value = this.properties[MessageProperty.DELAY];
    return value === undefined ? 0 : Number.parseInt(value, 10) || 0;
  }

  set delayTimeLevel(level: number) {
    assert(Number.isInteger(level) && level >= 0, 'delayTimeLevel must be an integer >= 0');
    if (level === 0) delete this.properties[MessageProperty.DELAY];
    else this.properties[MessageProperty.DELAY] = String(level);
  }

  /**
   * Epoch ms at which the broker delivers the message (the TIMER_DELIVER_MS property; 0 = none).
   * Beyond RocketMQ 4's delay levels: any time, no cap; it wins over `delayTimeLevel`. A time in
   * the past is delivered at once.
   */
  get deliverTimeMs(): number {
    const value = this.properties[MessageProperty.TIMER_DELIVER_MS];
    return value === undefined ? 0 : Number(value) || 0;
  }

  set deliverTimeMs(epochMs: number) {
    assert(Number.isSafeInteger(epochMs) && epochMs >= 0, 'deliverTimeMs must be an integer epoch ms >= 0');
    if (epochMs === 0) delete this.properties[MessageProperty.TIMER_DELIVER_MS];
    else this.properties[MessageProperty.TIMER_DELIVER_MS] = String(epochMs);
  }

  /** false: the broker answers before a sync flush / sync replication completes. */
  get waitStoreMsgOK(): boolean {
    return this.properties[MessageProperty.WAIT] !== 'false';
  }

  set waitStoreMsgOK(wait: boolean) {
    this.properties[MessageProperty.WAIT] = String(wait);
  }

  /** Sets a user property; system names (reference §4) are refused as Java does. */
  putUserProperty(name: string, value: string): this {
    if (RESERVED_PROPERTY_NAMES.has(name)) {
      throw new TypeError(`The Property<${name}> is used by system, input another please`);
    }
    if (name.length === 0 || value.length === 0) {
      throw new TypeError('The name or value of property can not be null or blank string!');
    }
    this.properties[name] = value;
    return this;
  }

  getUserProperty(name: string): string | undefined {
    return this.properties[name];
  }

  getProperty(name: string): string | undefined {
    return this.properties[name];
  }

  /** Sets any property, system ones included; for SDK internals and advanced use. */
  putProperty(name: string, value: string): void {
    this.properties[name] = value;
  }

  clearProperty(name: string): void {
    delete this.properties[name];
  }

  /** Java's client message id (UNIQ_KEY) once the producer has stamped it. */
  get uniqKey(): string | undefined {
    return this.properties[MessageProperty.UNIQ_KEY];
  }
}

/** A message as the consumer sees it: every field of the stored record. */
export class MessageExt extends Message {
  /** The UNIQ_KEY when present (what Java's getMsgId returns), else the offset message id. */
  msgId = '';
  brokerName = '';
  queueId = 0;
  queueOffset = 0;
  /** Commit-log byte offset of the record (PHYSICALOFFSET). */
  commitLogOffset = 0;
  storeSize = 0;
  bodyCRC = 0;
  sysFlag = 0;
  bornTimestamp = 0;
  /** `ip:port` of the producer as the broker saw it. */
  bornHost = '';
  storeTimestamp = 0;
  /** `ip:port` of the broker that stored it. */
  storeHost = '';
  reconsumeTimes = 0;
  preparedTransactionOffset = 0;
  /** The offset message id once known; null: derive it from storeHost and commitLogOffset on first read. */
  private offsetMsgIdText: string | null = '';

  /**
   * `properties`, when given, becomes the message's property map as it is (the consumer's
   * decoded record properties: no copy).
   */
  constructor(topic: string, body: Buffer, properties?: Record<string, string>) {
    super({ topic, body });
    if (properties === undefined) delete this.properties[MessageProperty.WAIT];
    else (this as { properties: Record<string, string> }).properties = properties;
  }

  /**
   * store host ‖ port ‖ commit-log offset, 32 hex chars for IPv4 (reference §3.5). For pulled
   * messages it is built on first read (most consumers never read it).
   */
  get offsetMsgId(): string {
    this.offsetMsgIdText ??= encodeOffsetMsgId(this.storeHost, this.commitLogOffset);
    return this.offsetMsgIdText;
  }

  set offsetMsgId(value: string) {
    this.offsetMsgIdText = value;
  }

  /** @internal The offset message id follows from storeHost and commitLogOffset (set those first). */
  deriveOffsetMsgId(): void {
    this.offsetMsgIdText = null;
  }

  /** @internal CONSUME_START_TIME, set by the consume services before the listener runs. */
  setConsumeStartTime(startTimeText: string): void {
    this.properties[MessageProperty.CONSUME_START_TIME] = startTimeText;
  }

  /** The fields as JSON shows them (offsetMsgId included, its lazy slot hidden). */
  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = { ...(this as object), offsetMsgId: this.offsetMsgId };
    delete fields['offsetMsgIdText'];
    return fields;
  }

  /** Java's MessageExt.toString (body as signed bytes, as Arrays.toString prints it). */
  override toString(): string {
    const props = Object.entries(this.properties).map(([k, v]) => `${k}=${v}`).join(', ');
    return `MessageExt [brokerName=${this.brokerName}, queueId=${this.queueId}, storeSize=${this.storeSize}, `
      + `queueOffset=${this.queueOffset}, sysFlag=${this.sysFlag}, bornTimestamp=${this.bornTimestamp}, `
      + `bornHost=${this.bornHost}, storeTimestamp=${this.storeTimestamp}, storeHost=${this.storeHost}, `
      + `msgId=${this.msgId}, commitLogOffset=${this.commitLogOffset}, bodyCRC=${this.bodyCRC}, `
      + `reconsumeTimes=${this.reconsumeTimes}, preparedTransactionOffset=${this.preparedTransactionOffset}, `
      + `toString()=Message{topic='${this.topic}', flag=${this.flag}, properties={${props}}, `
      + `body=[${Array.from(this.body, (byte) => (byte << 24) >> 24).join(', ')}], transactionId='${this.transactionId ?? 'null'}'}]`;
  }
}
