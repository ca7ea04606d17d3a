/**
 * The message properties string (reference §3.4):
 *
 *   name1 \u0001 value1 \u0002 name2 \u0001 value2 ...      (no trailing separator)
 *
 * Parsing follows Java's MessageDecoder.string2messageProperties exactly: split on \u0002; in
 * each piece the first \u0001 separates name and value; a piece shorter than 3 chars, or whose
 * \u0001 is at its start or its last char (empty name or value), or that has none, is ignored;
 * a repeated name keeps the last value. Writers (ali-ons) that add a trailing \u0002 parse the
 * same. Values may contain \u0001 (only the first one separates).
 *
 * Representation: a plain object of string values. A "__proto__" name is stored as an own
 * property, never as the prototype.
 */
export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

export type MessageProperties = Record<string, string>;

const CODE_NAME_VALUE_SEPARATOR = 1;
const CODE_PROPERTY_SEPARATOR = 2;

/** Parses a properties string. Hot path: one pass, indexOf + slice, no regex, no split arrays. */
export function decodeProperties(text: string): MessageProperties {
  const properties: MessageProperties = {};
  const length = text.length;
  let start = 0;
  while (start < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = length;
    if (end - start >= 3) {
      const separator = text.indexOf(NAME_VALUE_SEPARATOR, start);
      if (separator > start && separator < end - 1) {
        setProperty(properties, text.slice(start, separator), text.slice(separator + 1, end));
      }
    }
    start = end + 1;
  }
  return properties;
}

/**
 * Finds one property's value without building the map (for TAGS/KEYS/UNIQ_KEY/DELAY on the
 * broker's hot path). Same acceptance rules as decodeProperties, including "last one wins".
 */
export function findProperty(text: string, name: string): string | undefined {
  let found: string | undefined;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = length;
    const separator = start + name.length;
    if (
      end - start >= 3 && separator < end - 1 && separator > start
      && text.charCodeAt(separator) === CODE_NAME_VALUE_SEPARATOR && text.startsWith(name, start)
      && text.indexOf(NAME_VALUE_SEPARATOR, start) === separator
    ) {
      found = text.slice(separator + 1, end);
    }
    start = end + 1;
  }
  return found;
}

/**
 * Writes the properties string. Entries with undefined/null values are skipped (Java skips
 * nulls). Names and values are written verbatim: a caller must not put \u0001 in a name or
 * \u0002 anywhere (`validatePropertyText` checks; the Java client does not).
 */
export function encodeProperties(properties: Readonly<Record<string, string | undefined | null>>): string {
  let text = '';
  for (const name in properties) {
    const value = properties[name];
    if (value === undefined || value === null) continue;
    if (text.length !== 0) text += PROPERTY_SEPARATOR;
    text += name + NAME_VALUE_SEPARATOR + value;
  }
  return text;
}

/** True when a name/value pair survives an encode/decode round trip unchanged. */
export function isRoundTripSafe(name: string, value: string): boolean {
  return name.length > 0 && value.length > 0 && !name.includes(NAME_VALUE_SEPARATOR)
    && !name.includes(PROPERTY_SEPARATOR) && !value.includes(PROPERTY_SEPARATOR);
}

/** Adds or replaces one property in an encoded string (for the broker adding CLUSTER etc.). */
export function appendProperty(text: string, name: string, value: string): string {
  const entry = name + NAME_VALUE_SEPARATOR + value;
  if (text.length === 0) return entry;
  return text.charCodeAt(text.length - 1) === CODE_PROPERTY_SEPARATOR
    ? text + entry
    : text + PROPERTY_SEPARATOR + entry;
}

/** Removes every occurrence of `name` (e.g. WAIT before storing) without re-encoding the rest. */
export function removeProperty(text: string, name: string): string {
  const prefix = name + NAME_VALUE_SEPARATOR;
  if (!text.includes(prefix)) return text;
  let out = '';
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, start);
    if (end < 0) end = length;
    if (!text.startsWith(prefix, start)) {
      if (out.length !== 0) out += PROPERTY_SEPARATOR;
      out += text.slice(start, end);
    }
    start = end + 1;
  }
  return out;
}

function setProperty(properties: MessageProperties, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(properties, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    properties[name] = value;
  }
}
