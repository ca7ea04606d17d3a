import { ErrorCode, PetrelError } from '../common/errors.js';

/**
 * A tolerant reader and a standard writer for the JSON bodies RocketMQ peers exchange
 * (reference §1.6). fastjson 1.2.x writes two non-standard forms that `JSON.parse` refuses:
 *
 *   1. unquoted numeric map keys:   {0:"10.0.0.1:10911",1:"10.0.0.2:10911"}
 *   2. object map keys (inline):    {{"brokerName":"b","queueId":0,"topic":"T"}:5}
 *
 * `parseFastjson` accepts standard JSON plus both forms (and unquoted identifier keys).
 * Representation: a numeric key becomes the string key "0" of a plain object (what JSON.parse
 * gives for `{"0":...}`). An object literal that has at least one object (or array) key becomes
 * a `Map<JsonValue, JsonValue>` whose keys are the parsed key values, in wire order; every
 * other object is a plain `JsonObject`. Use `keyedEntries` to iterate either representation,
 * and either key form (the standard-JSON writers put the key object's JSON in a string).
 *
 * Numbers are JavaScript doubles: every number in our bodies (offsets, timestamps) is below
 * 2^53. Errors are PetrelError(ERR_BODY_MALFORMED) with the failing position.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject | JsonKeyedMap;
export interface JsonObject {
  [key: string]: JsonValue;
}
export type JsonKeyedMap = Map<JsonValue, JsonValue>;

const CHAR_QUOTE = 0x22;
const CHAR_BACKSLASH = 0x5c;
const CHAR_OPEN_BRACE = 0x7b;
const CHAR_CLOSE_BRACE = 0x7d;
const CHAR_OPEN_BRACKET = 0x5b;
const CHAR_CLOSE_BRACKET = 0x5d;
const CHAR_COMMA = 0x2c;
const CHAR_COLON = 0x3a;
/** Nesting bound: bodies from peers are shallow; a deep one is hostile. */
const FASTJSON_DEPTH_MAX = 64;

/** Parses a fastjson body (Buffer as UTF-8, or a string). Throws PetrelError on bad input. */
export function parseFastjson(input: Buffer | string): JsonValue {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.position !== text.length) throw parser.fail('trailing characters');
  return value;
}

class Parser {
  position = 0;
  constructor(private readonly text: string) {}

  fail(message: string): PetrelError {
    return new PetrelError(ErrorCode.ERR_BODY_MALFORMED, `JSON body: ${message} at ${this.position}`);
  }

  skipSpace(): void {
    const text = this.text;
    let position = this.position;
    while (position < text.length) {
      const char = text.charCodeAt(position);
      if (char !== 0x20 && char !== 0x0a && char !== 0x0d && char !== 0x09) break;
      position++;
    }
    this.position = position;
  }

  value(depth: number): JsonValue {
    if (depth > FASTJSON_DEPTH_MAX) throw this.fail('nesting too deep');
    const char = this.text.charCodeAt(this.position);
    if (char === CHAR_OPEN_BRACE) return this.object(depth + 1);
    if (char === CHAR_OPEN_BRACKET) return this.array(depth + 1);
    if (char === CHAR_QUOTE) return this.string();
    if (char === 0x2d || (char >= 0x30 && char <= 0x39)) return this.number();
    if (this.text.startsWith('true', this.position)) return this.literal(4, true);
    if (this.text.startsWith('false', this.position)) return this.literal(5, false);
    if (this.text.startsWith('null', this.position)) return this.literal(4, null);
    throw this.fail(Number.isNaN(char) ? 'unexpected end' : 'unexpected character');
  }

  private literal<T>(length: number, value: T): T {
    this.position += length;
    return value;
  }

  private array(depth: number): JsonValue[] {
    this.position++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.position) === CHAR_CLOSE_BRACKET) {
      this.position++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth));
      this.skipSpace();
      const char = this.text.charCodeAt(this.position++);
      if (char === CHAR_CLOSE_BRACKET) return items;
      if (char !== CHAR_COMMA) throw this.fail('expected , or ]');
    }
  }

  private object(depth: number): JsonObject | JsonKeyedMap {
    this.position++;
    const keys: JsonValue[] = [];
    const values: JsonValue[] = [];
    let objectKeys = false;
    this.skipSpace();
    if (this.text.charCodeAt(this.position) === CHAR_CLOSE_BRACE) {
      this.position++;
      return {};
    }
    for (;;) {
      this.skipSpace();
      const key = this.key(depth);
      if (typeof key === 'object' && key !== null) objectKeys = true;
      this.skipSpace();
      if (this.text.charCodeAt(this.position++) !== CHAR_COLON) throw this.fail('expected :');
      this.skipSpace();
      keys.push(key);
      values.push(this.value(depth));
      this.skipSpace();
      const char = this.text.charCodeAt(this.position++);
      if (char === CHAR_CLOSE_BRACE) break;
      if (char !== CHAR_COMMA) throw this.fail('expected , or }');
    }
    return objectKeys ? keyedMap(keys, values) : plainObject(keys, values);
  }

  private key(depth: number): JsonValue {
    const char = this.text.charCodeAt(this.position);
    if (char === CHAR_QUOTE) return this.string();
    if (char === CHAR_OPEN_BRACE || char === CHAR_OPEN_BRACKET) return this.value(depth);
    // fastjson's unquoted keys: numbers (Map<Long,...>) and bare identifiers.
    const start = this.position;
    let position = start;
    while (position < this.text.length && isBareKeyChar(this.text.charCodeAt(position))) position++;
    if (position === start) throw this.fail('expected a key');
    this.position = position;
    return this.text.slice(start, position);
  }

  private number(): number {
    const text = this.text;
    const start = this.position;
    let position = start;
    if (text.charCodeAt(position) === 0x2d) position++;
    while (position < text.length && isNumberChar(text.charCodeAt(position))) position++;
    const value = Number(text.slice(start, position));
    if (position === start || Number.isNaN(value)) throw this.fail('bad number');
    this.position = position;
    return value;
  }

  private string(): string {
    const text = this.text;
    const start = this.position + 1;
    let position = start;
    // Fast path: no escapes.
    for (;;) {
      const char = text.charCodeAt(position);
      if (Number.isNaN(char)) throw this.fail('unterminated string');
      if (char === CHAR_QUOTE) {
        this.position = position + 1;
        return text.slice(start, position);
      }
      if (char === CHAR_BACKSLASH) break;
      position++;
    }
    return this.escapedString(start);
  }

  private escapedString(start: number): string {
    const text = this.text;
    let position = start;
    let out = '';
    let chunkStart = start;
    for (;;) {
      const char = text.charCodeAt(position);
      if (Number.isNaN(char)) throw this.fail('unterminated string');
      if (char === CHAR_QUOTE) break;
      if (char !== CHAR_BACKSLASH) {
        position++;
        continue;
      }
      out += text.slice(chunkStart, position);
      const escape = text[position + 1];
      if (escape === 'u') {
        const hex = text.slice(position + 2, position + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        position += 6;
      } else {
        const decoded = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
        if (decoded === undefined) throw this.fail('bad escape');
        out += decoded;
        position += 2;
      }
      chunkStart = position;
    }
    this.position = position + 1;
    return out + text.slice(chunkStart, position);
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', "'": "'",
};

function isBareKeyChar(char: number): boolean {
  return (char >= 0x30 && char <= 0x39) || (char >= 0x41 && char <= 0x5a)
    || (char >= 0x61 && char <= 0x7a) || char === 0x5f || char === 0x24 || char === 0x2d
    || char === 0x2e;
}

function isNumberChar(char: number): boolean {
  return (char >= 0x30 && char <= 0x39) || char === 0x2e || char === 0x65 || char === 0x45
    || char === 0x2b || char === 0x2d;
}

function plainObject(keys: JsonValue[], values: JsonValue[]): JsonObject {
  const object: JsonObject = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // defineProperty keeps a "__proto__" key an ordinary own property.
    Object.defineProperty(object, String(key), {
      value: values[i] as JsonValue, enumerable: true, writable: true, configurable: true,
    });
  }
  return object;
}

function keyedMap(keys: JsonValue[], values: JsonValue[]): JsonKeyedMap {
  const map: JsonKeyedMap = new Map();
  for (let i = 0; i < keys.length; i++) map.set(keys[i] as JsonValue, values[i] as JsonValue);
  return map;
}

/**
 * Entries of a map-shaped value in any of its three wire forms: a plain object, a Map from an
 * inline-object-keyed body, or a plain object whose keys are JSON strings of objects (standard
 * mode). Keys that are strings starting with '{' are parsed; other keys are returned as-is.
 */
export function keyedEntries(value: JsonValue | undefined): Array<[JsonValue, JsonValue]> {
  if (value instanceof Map) return [...value.entries()];
  if (!isJsonObject(value)) return [];
  const entries: Array<[JsonValue, JsonValue]> = [];
  for (const key of Object.keys(value)) {
    const parsedKey = key.startsWith('{') ? parseFastjson(key) : key;
    entries.push([parsedKey, value[key] as JsonValue]);
  }
  return entries;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
}

/**
 * How `toFastjson` writes Map keys. objectKeys: 'inline' = `{{"brokerName":..}:v}` (what a
 * Java broker writes, so every Java tool reads it), 'string' = `{"{\"brokerName\":..}":v}`
 * (fastjson's WriteNonStringKeyAsString form; JSON.parse-able). numberKeys: 'quoted' =
 * `{"0":v}` (standard; fastjson parses it into Long/Integer keys, §1.6 point 5), 'bare' =
 * `{0:v}` (fastjson's default output, e.g. a pre-4.9.4 NameServer's route body).
 */
export interface FastjsonWriteOptions {
  objectKeys?: 'inline' | 'string';
  numberKeys?: 'quoted' | 'bare';
}

interface WriteStyle {
  objectKeysInline: boolean;
  numberKeysBare: boolean;
}

/**
 * Writes JSON for a Java or ali-ons peer. Plain objects and arrays are written as
 * JSON.stringify would (undefined members dropped, Buffers as base64 like fastjson's byte[]);
 * a `Map` is written as an object whose keys follow `options` (defaults: object keys inline,
 * number keys quoted). With no Map of object keys in `value` the output is standard JSON.
 */
export function toFastjson(value: unknown, options: FastjsonWriteOptions = {}): string {
  const style: WriteStyle = {
    objectKeysInline: (options.objectKeys ?? 'inline') === 'inline',
    numberKeysBare: options.numberKeys === 'bare',
  };
  return write(value, style) ?? 'null';
}

function write(value: unknown, style: WriteStyle): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': return JSON.stringify(value);
    case 'number': return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return value.toString();
    case 'object': break;
    default: return undefined;
  }
  if (Array.isArray(value)) return `[${value.map((item) => write(item, style) ?? 'null').join(',')}]`;
  if (value instanceof Map) return writeMap(value, style);
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
  if (value instanceof Set) return write([...value], style);
  const parts: string[] = [];
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    const written = write(member, style);
    if (written !== undefined) parts.push(`${JSON.stringify(key)}:${written}`);
  }
  return `{${parts.join(',')}}`;
}

function writeMap(map: Map<unknown, unknown>, style: WriteStyle): string {
  const parts: string[] = [];
  for (const [key, member] of map) {
    const written = write(member, style);
    if (written !== undefined) parts.push(`${writeKey(key, style)}:${written}`);
  }
  return `{${parts.join(',')}}`;
}

function writeKey(key: unknown, style: WriteStyle): string {
  if (typeof key === 'object' && key !== null) {
    const inline = write(key, style) ?? 'null';
    return style.objectKeysInline ? inline : JSON.stringify(inline);
  }
  if ((typeof key === 'number' || typeof key === 'bigint') && style.numberKeysBare) return String(key);
  return JSON.stringify(String(key));
}
