import { ErrorCode, PetrelError } from '../../common/errors.js';

/**
 * Typed reads of extFields (reference §1.5): values are strings on the wire, parsed the way
 * Java parses them. `Integer.parseInt`/`Long.parseLong`: optional sign then decimal digits,
 * in range (int32; for longs, a safe integer since we hold them as doubles).
 * `Boolean.parseBoolean`: "true" in any case is true, anything else false. A required field
 * that is absent or does not parse throws PetrelError(ERR_HEADER_FIELD_MISSING) naming it;
 * an optional field that does not parse is treated as absent (Java logs and leaves it null).
 */
export type ExtFields = Readonly<Record<string, string>> | null;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function missing(field: string, value?: string): PetrelError {
  const detail = value === undefined ? 'is missing' : `does not parse: ${JSON.stringify(value)}`;
  return new PetrelError(ErrorCode.ERR_HEADER_FIELD_MISSING, `header field ${field} ${detail}`);
}

/** Decimal integer per Java's parseLong, or undefined. Hand-rolled: no regex on the hot path. */
export function parseDecimal(text: string): number | undefined {
  const length = text.length;
  if (length === 0 || length > 20) return undefined;
  let position = 0;
  const first = text.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) {
    if (length === 1) return undefined;
    position = 1;
  }
  let value = 0;
  for (; position < length; position++) {
    const digit = text.charCodeAt(position) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (!Number.isSafeInteger(value)) return undefined;
  return first === 0x2d ? -value : value;
}

export function parseInt32(text: string): number | undefined {
  const value = parseDecimal(text);
  if (value === undefined || value < INT32_MIN || value > INT32_MAX) return undefined;
  return value;
}

export function requiredString(ext: ExtFields, field: string): string {
  const value = ext === null ? undefined : ext[field];
  if (value === undefined) throw missing(field);
  return value;
}

export function optionalString(ext: ExtFields, field: string): string | undefined {
  return ext === null ? undefined : ext[field];
}

export function requiredInt(ext: ExtFields, field: string): number {
  const text = requiredString(ext, field);
  const value = parseInt32(text);
  if (value === undefined) throw missing(field, text);
  return value;
}

export function optionalInt(ext: ExtFields, field: string): number | undefined {
  const text = optionalString(ext, field);
  return text === undefined ? undefined : parseInt32(text);
}

export function requiredLong(ext: ExtFields, field: string): number {
  const text = requiredString(ext, field);
  const value = parseDecimal(text);
  if (value === undefined) throw missing(field, text);
  return value;
}

export function optionalLong(ext: ExtFields, field: string): number | undefined {
  const text = optionalString(ext, field);
  return text === undefined ? undefined : parseDecimal(text);
}

export function parseBoolean(text: string): boolean {
  return text.length === 4 && text.toLowerCase() === 'true';
}

export function requiredBool(ext: ExtFields, field: string): boolean {
  return parseBoolean(requiredString(ext, field));
}

export function optionalBool(ext: ExtFields, field: string): boolean | undefined {
  const text = optionalString(ext, field);
  return text === undefined ? undefined : parseBoolean(text);
}

/** Builds extFields from typed values: numbers decimal, booleans "true"/"false", undefined dropped. */
export function toExt(
  values: Readonly<Record<string, string | number | boolean | undefined>>,
): Record<string, string> {
  const ext: Record<string, string> = {};
  for (const key in values) {
    const value = values[key];
    if (value !== undefined) ext[key] = typeof value === 'string' ? value : String(value);
  }
  return ext;
}
