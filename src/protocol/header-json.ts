import { ErrorCode, PetrelError } from '../common/errors.js';
import { LanguageCode, type LanguageName, type RemotingCommand, SerializeType } from './command.js';

/**
 * JSON header (serialize type 0, reference §1.3): fastjson's bean output, keys sorted.
 * The reader accepts any key order, missing keys, unknown keys, and numbers or booleans as
 * extField values (some clients send them unquoted).
 */
export function encodeJsonHeader(command: RemotingCommand): Buffer {
  const header: Record<string, unknown> = { code: command.code };
  if (command.extFields !== null) header['extFields'] = command.extFields;
  header['flag'] = command.flag;
  header['language'] = command.language;
  header['opaque'] = command.opaque;
  if (command.remark !== null) header['remark'] = command.remark;
  header['serializeTypeCurrentRPC'] = 'JSON';
  header['version'] = command.version;
  return Buffer.from(JSON.stringify(header), 'utf8');
}

export type HeaderFields = Omit<RemotingCommand, 'body' | 'serializeType'>;

export function decodeJsonHeader(bytes: Buffer): HeaderFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw malformed(`JSON header does not parse: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformed('JSON header is not an object');
  }
  const object = parsed as Record<string, unknown>;
  return {
    code: intField(object, 'code', 0),
    language: languageField(object['language']),
    version: intField(object, 'version', 0),
    opaque: intField(object, 'opaque', 0),
    flag: intField(object, 'flag', 0),
    remark: typeof object['remark'] === 'string' ? object['remark'] : null,
    extFields: extFieldsOf(object['extFields']),
  };
}

function intField(object: Record<string, unknown>, key: string, fallback: number): number {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw malformed(`header field ${key} is not an integer`);
  }
  return number;
}

function languageField(value: unknown): LanguageName {
  if (typeof value === 'string' && value in LanguageCode) return value as LanguageName;
  if (typeof value === 'number') {
    const entry = Object.entries(LanguageCode).find(([, code]) => code === value);
    if (entry !== undefined) return entry[0] as LanguageName;
  }
  return 'OTHER';
}

function extFieldsOf(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw malformed('extFields is not an object');
  const ext: Record<string, string> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (field === null || field === undefined) continue;
    if (typeof field === 'string') ext[key] = field;
    else if (typeof field === 'number' || typeof field === 'boolean') ext[key] = String(field);
    else throw malformed(`extField ${key} is not a scalar`);
  }
  return ext;
}

function malformed(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_HEADER_MALFORMED, message);
}

export const JSON_SERIALIZE_TYPE = SerializeType.JSON;
