import { assert } from '../common/assert.js';
import { LanguageCode, PETREL_VERSION_ORDINAL, type RemotingCommand, SerializeType } from '../protocol/command.js';
import { RequestCode } from '../protocol/request-code.js';
import type { SendHeader } from './client-api.js';
import { put32 } from '../protocol/bytes.js';

/**
 * Fast SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE framing for the producer's hot path. A send's header
 * is the ROCKETMQ binary header (serialize type 1, reference §1.4; brokers accept both types and
 * reply in the request's type): every extField but `g` (bornTimestamp) and `i` (properties) is the
 * same for all sends of one producer to one queue, so those entries are encoded once into a
 * per-queue template; a send copies the template and writes opaque, flag, `g` and `i`. The
 * properties are written straight from the message's map (no intermediate string), and a
 * frame can be written into a caller's buffer (`writeSendFrame`, the batcher's chunk).
 *
 *   length i32 | 0x01 << 24 | headerLength | code i16 | language u8 | version i16 | opaque i32 |
 *   flag i32 | remarkLength i32 (0) | extLength i32 | constant entries | g entry | i entry | body
 *
 * An entry is `keyLength i16 | key | valueLength i32 | value`.
 */
const PREFIX_BYTES = 8;
const FIXED_HEADER_BYTES = 2 + 1 + 2 + 4 + 4 + 4 + 4;
const OPAQUE_POSITION = PREFIX_BYTES + 5;
const FLAG_POSITION = PREFIX_BYTES + 9;
const EXT_LENGTH_POSITION = PREFIX_BYTES + 17;
const NAME_VALUE_SEPARATOR = 1;
const PROPERTY_SEPARATOR = 2;

export class SendTemplate {
  /** Prefix + fixed header + constant entries; length, opaque, flag and ext length patched per send. */
  readonly bytes: Buffer;
  readonly code: number;
  readonly header: Omit<SendHeader, 'bornTimestamp' | 'properties'>;

  constructor(header: Omit<SendHeader, 'bornTimestamp' | 'properties'>) {
    this.header = header;
    this.code = header.batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2;
    const entries: Array<[string, string]> = [
      ['a', header.producerGroup], ['b', header.topic], ['c', header.defaultTopic],
      ['d', String(header.defaultTopicQueueNums)], ['e', String(header.queueId)], ['f', String(header.sysFlag)],
      ['h', String(header.flag)], ['j', String(header.reconsumeTimes)], ['k', String(header.unitMode)],
      ['m', String(header.batch)], ['n', header.brokerName],
    ];
    if (header.maxReconsumeTimes !== undefined) entries.push(['l', String(header.maxReconsumeTimes)]);
    const encoded = entries.map(([key, value]) => [Buffer.from(key, 'utf8'), Buffer.from(value, 'utf8')] as const);
    const entryBytes = encoded.reduce((sum, [key, value]) => sum + 6 + key.length + value.length, 0);
    const bytes = Buffer.alloc(PREFIX_BYTES + FIXED_HEADER_BYTES + entryBytes);
    bytes.writeInt16BE(this.code, PREFIX_BYTES);
    bytes.writeUInt8(LanguageCode.JAVA, PREFIX_BYTES + 2);
    bytes.writeInt16BE(PETREL_VERSION_ORDINAL, PREFIX_BYTES + 3);
    let position = PREFIX_BYTES + FIXED_HEADER_BYTES;
    for (const [key, value] of encoded) {
      position = bytes.writeInt16BE(key.length, position);
      position += key.copy(bytes, position);
      position = bytes.writeInt32BE(value.length, position);
      position += value.copy(bytes, position);
    }
    assert(position === bytes.length, 'send template size');
    this.bytes = bytes;
  }
}

/**
 * A SEND request as a RemotingCommand. Its fast encoding is `encodeSendFrame`; `extFields` is
 * built only if something asks for it (logs, a transport without the fast path).
 */
export class SendRequestCommand implements RemotingCommand {
  readonly code: number;
  readonly language = 'JAVA' as const;
  readonly version = PETREL_VERSION_ORDINAL;
  opaque = 0;
  flag = 0;
  readonly remark = null;
  serializeType: SerializeType = SerializeType.ROCKETMQ;

  constructor(
    readonly template: SendTemplate,
    readonly bornTimestamp: number,
    /** The properties map (single message) or an encoded string (batch-level properties). */
    readonly properties: Readonly<Record<string, string>> | string,
    readonly body: Buffer,
  ) {
    this.code = template.code;
  }

  get extFields(): Record<string, string> {
    const header = this.template.header;
    const ext: Record<string, string> = {
      a: header.producerGroup, b: header.topic, c: header.defaultTopic, d: String(header.defaultTopicQueueNums),
      e: String(header.queueId), f: String(header.sysFlag), g: String(this.bornTimestamp), h: String(header.flag),
      i: typeof this.properties === 'string' ? this.properties : propertiesText(this.properties),
      j: String(header.reconsumeTimes), k: String(header.unitMode), m: String(header.batch), n: header.brokerName,
    };
    if (header.maxReconsumeTimes !== undefined) ext['l'] = String(header.maxReconsumeTimes);
    return ext;
  }
}

function propertiesText(properties: Readonly<Record<string, string>>): string {
  let text = '';
  for (const name in properties) {
    if (text.length > 0) text += '\u0002';
    text += `${name}\u0001${properties[name] as string}`;
  }
  return text;
}

/** Longer strings are written by the native UTF-8 encoder, shorter ones char by char. */
const NATIVE_WRITE_CHARS_MIN = 64;
/** Decimal digits of a safe integer, at most. */
const BORN_DIGITS_MAX = 16;

/**
 * Writes `text` at `position` as UTF-8 and returns the new position. Short ASCII text (names,
 * tags, ids: nearly all property text) is copied char by char, cheaper than a native call; the
 * first non-ASCII char sends the whole string to the native encoder instead.
 */
export function writeText(target: Buffer, position: number, text: string): number {
  const length = text.length;
  if (length < NATIVE_WRITE_CHARS_MIN) {
    let at = position;
    for (let index = 0; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0x80) return position + target.write(text, position, 'utf8');
      target[at++] = code;
    }
    return at;
  }
  return position + target.write(text, position, 'utf8');
}

/** Writes the properties map (`name\u0001value` joined by \u0002); returns the new position. */
function writePropertiesMap(target: Buffer, position: number, properties: Readonly<Record<string, string>>): number {
  let at = position;
  for (const name in properties) {
    if (at > position) target[at++] = PROPERTY_SEPARATOR;
    at = writeText(target, at, name);
    target[at++] = NAME_VALUE_SEPARATOR;
    at = writeText(target, at, properties[name] as string);
  }
  return at;
}

/** UTF-16 units of the properties text, leaving out the property `without` if given. */
export function propertiesChars(properties: Readonly<Record<string, string>> | string, without?: string): number {
  if (typeof properties === 'string') return properties.length;
  let chars = -1;
  for (const name in properties) {
    if (name !== without) chars += name.length + (properties[name] as string).length + 2;
  }
  return chars < 0 ? 0 : chars;
}

/**
 * The decimal text of the last bornTimestamp written: sends in the same millisecond (dozens at
 * load) copy its bytes instead of dividing a 41-bit number by ten 13 times (float division and
 * modulo, ~200 ns).
 */
const bornCache = { value: -1, digits: 0, bytes: Buffer.alloc(BORN_DIGITS_MAX) };

function writeBorn(target: Buffer, position: number, born: number): number {
  if (born !== bornCache.value) {
    assert(Number.isSafeInteger(born) && born >= 0, 'bornTimestamp must be a non-negative integer');
    bornCache.value = born;
    bornCache.digits = bornCache.bytes.write(String(born), 0, 'latin1');
  }
  const digits = bornCache.digits;
  const bytes = bornCache.bytes;
  target[position] = 0;
  target[position + 1] = 1;
  target[position + 2] = 0x67; // 'g'
  put32(target, position + 3, digits);
  const start = position + 7;
  for (let index = 0; index < digits; index++) target[start + index] = bytes[index] as number;
  return start + digits;
}

/**
 * An upper bound of the command's frame size (length prefix, header, body): UTF-8 takes at most
 * three bytes per UTF-16 unit. `writeSendFrame` needs that much room.
 */
export function sendFrameBytesMax(command: SendRequestCommand): number {
  return command.template.bytes.length + 7 + BORN_DIGITS_MAX + 7 + 3 * propertiesChars(command.properties) + command.body.length;
}

/**
 * Writes the command's frame at `start` in `target` (which has `sendFrameBytesMax` bytes free
 * there), the body too unless `withBody` is false; returns the end of what was written. One pass:
 * the properties are written straight from the message's map, their length patched afterwards.
 */
export function writeSendFrame(command: SendRequestCommand, target: Buffer, start: number, withBody = true): number {
  const template = command.template.bytes;
  target.set(template, start);
  let position = writeBorn(target, start + template.length, command.bornTimestamp);
  target[position] = 0;
  target[position + 1] = 1;
  target[position + 2] = 0x69; // 'i'
  const propertiesLengthAt = position + 3;
  position += 7;
  const properties = command.properties;
  const propertiesEnd = typeof properties === 'string'
    ? position + target.write(properties, position, 'utf8')
    : writePropertiesMap(target, position, properties);
  put32(target, propertiesLengthAt, propertiesEnd - position);
  const body = command.body;
  const headerBytes = propertiesEnd - start - PREFIX_BYTES;
  put32(target, start, 4 + headerBytes + body.length);
  put32(target, start + 4, ((SerializeType.ROCKETMQ << 24) | headerBytes) >>> 0);
  put32(target, start + OPAQUE_POSITION, command.opaque | 0);
  put32(target, start + FLAG_POSITION, command.flag | 0);
  put32(target, start + EXT_LENGTH_POSITION, propertiesEnd - (start + EXT_LENGTH_POSITION) - 4);
  if (!withBody || body.length === 0) return propertiesEnd;
  return propertiesEnd + body.copy(target, propertiesEnd);
}

/** Encodes the command as [prefix + header, body]; it decodes (decodeFrame) to the same command as the generic codec would produce. */
export function encodeSendFrame(command: SendRequestCommand): Buffer[] {
  const out = Buffer.allocUnsafe(sendFrameBytesMax(command) - command.body.length);
  const header = out.subarray(0, writeSendFrame(command, out, 0, false));
  return command.body.length === 0 ? [header] : [header, command.body];
}
