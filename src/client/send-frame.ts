import { assert } from '../common/assert.js';
import { LanguageCode, PETREL_VERSION_ORDINAL, type RemotingCommand, SerializeType } from '../protocol/command.js';
import { RequestCode } from '../protocol/request-code.js';
import type { SendHeader } from './client-api.js';

/**
 * Fast SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE framing for the producer's hot path. A send's header
 * is the ROCKETMQ binary header (serialize type 1, reference §1.4; brokers accept both types and
 * reply in the request's type): every extField but `g` (bornTimestamp) and `i` (properties) is the
 * same for all sends of one producer to one queue, so those entries are encoded once into a
 * per-queue template; a send copies the template and writes opaque, flag, `g` and `i`. The
 * properties are written straight from the message's map (no intermediate string).
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

/**
 * Properties are written once into this scratch buffer (which gives their exact size) and then
 * copied into the frame. Single-threaded use only; maps too large for it take the string path.
 */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

/**
 * Writes `text` at `position` as UTF-8 and returns the new position. Short ASCII text (names,
 * tags, ids: nearly all property text) is copied char by char, cheaper than a native call.
 */
function writeText(target: Buffer, position: number, text: string): number {
  const length = text.length;
  if (length <= 64) {
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

/** Byte size of the properties string when every char is ASCII (the common case), else -1. */
function asciiPropertiesBytes(properties: Readonly<Record<string, string>>): number {
  let bytes = -1;
  for (const name in properties) {
    const value = properties[name] as string;
    for (let index = 0; index < name.length; index++) if (name.charCodeAt(index) >= 0x80) return -1;
    for (let index = 0; index < value.length; index++) if (value.charCodeAt(index) >= 0x80) return -1;
    bytes += name.length + value.length + 2;
  }
  return bytes < 0 ? 0 : bytes;
}

/** Writes ASCII-only properties at `position` (sizes known from asciiPropertiesBytes). */
function writeAsciiProperties(target: Buffer, position: number, properties: Readonly<Record<string, string>>): void {
  let at = position;
  let first = true;
  for (const name in properties) {
    const value = properties[name] as string;
    if (!first) target[at++] = PROPERTY_SEPARATOR;
    first = false;
    for (let index = 0; index < name.length; index++) target[at++] = name.charCodeAt(index);
    target[at++] = NAME_VALUE_SEPARATOR;
    for (let index = 0; index < value.length; index++) target[at++] = value.charCodeAt(index);
  }
}

/** Writes `properties` into `scratch`; returns the byte count, or -1 if they might not fit. */
function writeProperties(properties: Readonly<Record<string, string>>): number {
  let at = 0;
  for (const name in properties) {
    const value = properties[name] as string;
    if (at + (name.length + value.length) * 3 + 2 > SCRATCH_BYTES) return -1;
    if (at > 0) scratch[at++] = PROPERTY_SEPARATOR;
    at = writeText(scratch, at, name);
    scratch[at++] = NAME_VALUE_SEPARATOR;
    at = writeText(scratch, at, value);
  }
  return at;
}

function writeInt32(target: Buffer, position: number, value: number): void {
  target[position] = value >>> 24;
  target[position + 1] = value >>> 16;
  target[position + 2] = value >>> 8;
  target[position + 3] = value;
}

/** Decimal digits of a non-negative safe integer (a ms timestamp: 13 digits). */
function digitCount(value: number): number {
  let count = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) count++;
  return count;
}

/** Encodes the command as [prefix + header, body]; it decodes (decodeFrame) to the same command as the generic codec would produce. */
export function encodeSendFrame(command: SendRequestCommand): Buffer[] {
  const template = command.template.bytes;
  let properties = command.properties;
  // Three ways to the properties bytes: ASCII map written in place (common), any map through
  // the scratch buffer, or a string.
  let ascii = false;
  let propertiesBytes = -1;
  if (typeof properties !== 'string') {
    propertiesBytes = asciiPropertiesBytes(properties);
    ascii = propertiesBytes >= 0;
    if (!ascii) propertiesBytes = writeProperties(properties);
    if (propertiesBytes < 0) properties = propertiesText(properties);
  }
  if (typeof properties === 'string') propertiesBytes = Buffer.byteLength(properties, 'utf8');
  const born = command.bornTimestamp;
  assert(Number.isSafeInteger(born) && born >= 0, 'bornTimestamp must be a non-negative integer');
  const bornDigits = digitCount(born);
  const headerEnd = template.length + 7 + bornDigits + 7 + propertiesBytes;
  const out = Buffer.allocUnsafe(headerEnd);
  out.set(template, 0);
  let position = template.length;
  out[position] = 0;
  out[position + 1] = 1;
  out[position + 2] = 0x67; // 'g'
  writeInt32(out, position + 3, bornDigits);
  position += 7;
  for (let index = bornDigits - 1, rest = born; index >= 0; index--, rest = Math.floor(rest / 10)) {
    out[position + index] = 0x30 + (rest % 10);
  }
  position += bornDigits;
  out[position] = 0;
  out[position + 1] = 1;
  out[position + 2] = 0x69; // 'i'
  writeInt32(out, position + 3, propertiesBytes);
  position += 7;
  if (typeof properties === 'string') out.write(properties, position, 'utf8');
  else if (ascii) writeAsciiProperties(out, position, properties);
  else scratch.copy(out, position, 0, propertiesBytes);
  const headerBytes = headerEnd - PREFIX_BYTES;
  writeInt32(out, 0, 4 + headerBytes + command.body.length);
  writeInt32(out, 4, ((SerializeType.ROCKETMQ << 24) | headerBytes) >>> 0);
  writeInt32(out, OPAQUE_POSITION, command.opaque | 0);
  writeInt32(out, FLAG_POSITION, command.flag | 0);
  writeInt32(out, EXT_LENGTH_POSITION, headerEnd - EXT_LENGTH_POSITION - 4);
  return command.body.length === 0 ? [out] : [out, command.body];
}
