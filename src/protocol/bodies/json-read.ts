import { ErrorCode, PetrelError } from '../../common/errors.js';
import { isJsonObject, type JsonObject, type JsonValue, parseFastjson } from '../fastjson.js';

/**
 * Tolerant typed reads of parsed JSON bodies, matching fastjson's bean binding: a missing or
 * null member takes the Java field's default (0, false, empty); numbers sent as strings and
 * strings sent as numbers are converted; a member of the wrong kind (an object where a number
 * belongs) is refused with PetrelError(ERR_BODY_MALFORMED).
 */
export function malformedBody(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_BODY_MALFORMED, message);
}

/** Parses a body that must be a JSON object. */
export function parseObjectBody(body: Buffer | string | null, what: string): JsonObject {
  if (body === null || body.length === 0) throw malformedBody(`${what}: empty body`);
  const value = parseFastjson(body);
  if (!isJsonObject(value)) throw malformedBody(`${what}: body is not a JSON object`);
  return value;
}

export function asObject(value: JsonValue | undefined, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw malformedBody(`${what} is not an object`);
  return value;
}

export function readString(object: JsonObject, key: string, fallback = ''): string {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw malformedBody(`member ${key} is not a string`);
}

export function readOptionalString(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return value === undefined || value === null ? undefined : readString(object, key);
}

export function readNumber(object: JsonObject, key: string, fallback = 0): number {
  return toNumber(object[key], key, fallback);
}

export function toNumber(value: JsonValue | undefined, what: string, fallback = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw malformedBody(`member ${what} is not a number`);
}

export function readBoolean(object: JsonObject, key: string, fallback = false): boolean {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  if (typeof value === 'number') return value !== 0;
  throw malformedBody(`member ${key} is not a boolean`);
}

export function readArray(object: JsonObject, key: string): JsonValue[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformedBody(`member ${key} is not an array`);
  return value;
}

export function readStringArray(object: JsonObject, key: string): string[] {
  return readArray(object, key).map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw malformedBody(`member ${key} holds a non-string`);
  });
}

/** A Map<String,String>-shaped member (values coerced to strings), in wire order. */
export function readStringMap(object: JsonObject, key: string): Record<string, string> {
  const source = asObject(object[key], key);
  const out: Record<string, string> = {};
  for (const name of Object.keys(source)) out[name] = readString(source, name);
  return out;
}
