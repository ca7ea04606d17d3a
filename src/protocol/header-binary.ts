import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { int16At, int32At, put16, put32, utf8Length, writeUtf8 as writeString } from './bytes.js';
import { LanguageCode, type LanguageName, type RemotingCommand } from './command.js';
import type { HeaderFields } from './header-json.js';

/**
 * ROCKETMQ binary header (serialize type 1, reference §1.4):
 *
 *   code i16 | language u8 | version i16 | opaque i32 | flag i32 |
 *   remarkLen i32 | remark utf8 | extLen i32 | { keyLen i16 | key | valLen i32 | val }*
 */
const FIXED_BYTES = 2 + 1 + 2 + 4 + 4;
const LANGUAGE_BY_BYTE: readonly LanguageName[] = (() => {
  const names: LanguageName[] = [];
  for (const [name, code] of Object.entries(LanguageCode)) names[code] = name as LanguageName;
  return names;
})();

export function encodeBinaryHeader(command: RemotingCommand): Buffer {
  const out = Buffer.allocUnsafe(binaryHeaderBytes(command));
  const end = writeBinaryHeader(command, out, 0);
  assert(end === out.length, 'binary header size must match its measure');
  return out;
}

/** The bytes `writeBinaryHeader` writes for this command. */
export function binaryHeaderBytes(command: RemotingCommand): number {
  const remarkBytes = command.remark === null ? 0 : utf8Length(command.remark);
  return FIXED_BYTES + 4 + remarkBytes + 4 + extMapBytes(command.extFields);
}

function extMapBytes(ext: Record<string, string> | null): number {
  let extBytes = 0;
  if (ext !== null) {
    for (const key in ext) extBytes += 6 + utf8Length(key) + utf8Length(ext[key] as string);
  }
  return extBytes;
}

/**
 * Writes the header at `position` (the caller sized `out` with `binaryHeaderBytes`, so a frame
 * is one allocation); returns the position after it. Integers are written byte by byte: no
 * per-call argument checks on the hot path.
 */
export function writeBinaryHeader(command: RemotingCommand, out: Buffer, position: number): number {
  const start = position;
  put16(out, start, command.code);
  out[start + 2] = LanguageCode[command.language];
  put16(out, start + 3, command.version);
  put32(out, start + 5, command.opaque);
  put32(out, start + 9, command.flag);
  let cursor = start + 17;
  if (command.remark !== null) cursor += writeString(out, command.remark, cursor);
  put32(out, start + 13, cursor - start - 17);
  const extLengthAt = cursor;
  cursor += 4;
  const ext = command.extFields;
  if (ext !== null) {
    for (const key in ext) {
      const keyBytes = writeString(out, key, cursor + 2);
      put16(out, cursor, keyBytes);
      cursor += 2 + keyBytes;
      const valueBytes = writeString(out, ext[key] as string, cursor + 4);
      put32(out, cursor, valueBytes);
      cursor += 4 + valueBytes;
    }
  }
  put32(out, extLengthAt, cursor - extLengthAt - 4);
  return cursor;
}

/** Decodes the binary header in bytes[start, end) (the whole buffer by default). */
export function decodeBinaryHeader(bytes: Buffer, start = 0, end = bytes.length): HeaderFields {
  if (end - start < FIXED_BYTES + 8) throw malformed(`binary header too short: ${end - start} bytes`);
  const code = int16At(bytes, start);
  const language = LANGUAGE_BY_BYTE[bytes[start + 2] as number] ?? 'OTHER';
  const version = int16At(bytes, start + 3);
  const opaque = int32At(bytes, start + 5);
  const flag = int32At(bytes, start + 9);
  const remarkBytes = int32At(bytes, start + 13);
  let position = start + 17;
  if (remarkBytes < 0 || position + remarkBytes + 4 > end) throw malformed('remark length out of range');
  const remark = remarkBytes === 0 ? null : readString(bytes, position, position + remarkBytes);
  position += remarkBytes;
  const extBytes = int32At(bytes, position);
  position += 4;
  if (extBytes < 0 || position + extBytes !== end) throw malformed('ext map length out of range');
  const extFields = extBytes === 0 ? null : decodeExtMap(bytes, position, end);
  return { code, language, version, opaque, flag, remark, extFields };
}

/**
 * The fixed fields and where the ext map lies, the map checked entry by entry (the same errors
 * as decodeBinaryHeader) but not materialized: for requests whose handler reads its header
 * straight from the bytes (binary-request.ts).
 */
export function decodeBinaryHeaderLazy(
  bytes: Buffer, start: number, end: number,
): Omit<HeaderFields, 'extFields'> & { extStart: number } {
  if (end - start < FIXED_BYTES + 8) throw malformed(`binary header too short: ${end - start} bytes`);
  const remarkBytes = int32At(bytes, start + 13);
  const remarkStart = start + 17;
  if (remarkBytes < 0 || remarkStart + remarkBytes + 4 > end) throw malformed('remark length out of range');
  const extStart = remarkStart + remarkBytes + 4;
  const extBytes = int32At(bytes, extStart - 4);
  if (extBytes < 0 || extStart + extBytes !== end) throw malformed('ext map length out of range');
  validateExtMap(bytes, extStart, end);
  return {
    code: int16At(bytes, start), language: LANGUAGE_BY_BYTE[bytes[start + 2] as number] ?? 'OTHER',
    version: int16At(bytes, start + 3), opaque: int32At(bytes, start + 5), flag: int32At(bytes, start + 9),
    remark: remarkBytes === 0 ? null : readString(bytes, remarkStart, remarkStart + remarkBytes), extStart,
  };
}

/** Single-byte keys (SEND_MESSAGE_V2's a..n) map to interned strings. */
const ONE_BYTE_STRINGS: readonly string[] = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

/** Short values (group, topic, "0", "false") also repeat from request to request. */
const CACHED_VALUE_BYTES_MAX = 32;

/**
 * Header keys repeat on every request, so a small direct-mapped cache (slot by length and end
 * bytes, verified byte for byte) returns the same string without a native decode.
 */
const KEY_CACHE_SLOTS = 1024;
const keyCache: Array<string | undefined> = new Array<string | undefined>(KEY_CACHE_SLOTS).fill(undefined);

function readKey(bytes: Buffer, start: number, end: number): string {
  const size = end - start;
  if (size === 0) return '';
  const first = bytes[start] as number;
  if (size === 1 && first < 0x80) return ONE_BYTE_STRINGS[first] as string;
  const slot = (size * 31 + first * 7 + (bytes[end - 1] as number)) & (KEY_CACHE_SLOTS - 1);
  const cached = keyCache[slot];
  if (cached !== undefined && cached.length === size && sameAscii(cached, bytes, start)) return cached;
  const key = readString(bytes, start, end);
  if (key.length === size) keyCache[slot] = key;
  return key;
}

function sameAscii(text: string, bytes: Buffer, start: number): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) !== bytes[start + index]) return false;
  }
  return true;
}

/** ASCII text (the common case) decodes through latin1, which is cheaper than utf8. */
function readString(bytes: Buffer, start: number, end: number): string {
  if (end - start === 1 && (bytes[start] as number) < 0x80) return ONE_BYTE_STRINGS[bytes[start] as number] as string;
  for (let position = start; position < end; position++) {
    if ((bytes[position] as number) >= 0x80) return bytes.toString('utf8', start, end);
  }
  return bytes.toString('latin1', start, end);
}

/** Walks the entries of an ext map; throws what decodeExtMap would throw, builds nothing. */
export function validateExtMap(bytes: Buffer, start: number, end: number): void {
  let position = start;
  while (position < end) {
    if (position + 2 > end) throw malformed('ext key length truncated');
    const keyBytes = int16At(bytes, position);
    position += 2;
    if (keyBytes < 0 || position + keyBytes + 4 > end) throw malformed('ext key out of range');
    position += keyBytes;
    const valueBytes = int32At(bytes, position);
    position += 4;
    if (valueBytes < 0 || position + valueBytes > end) throw malformed('ext value out of range');
    position += valueBytes;
  }
}

/** One ext value as decodeExtMap reads it (short values through the string cache). */
export function readExtValue(bytes: Buffer, start: number, end: number): string {
  return end - start <= CACHED_VALUE_BYTES_MAX ? readKey(bytes, start, end) : readString(bytes, start, end);
}

export function decodeExtMap(bytes: Buffer, start: number, end: number): Record<string, string> {
  const ext: Record<string, string> = {};
  let position = start;
  while (position < end) {
    if (position + 2 > end) throw malformed('ext key length truncated');
    const keyBytes = int16At(bytes, position);
    position += 2;
    if (keyBytes < 0 || position + keyBytes + 4 > end) throw malformed('ext key out of range');
    const key = readKey(bytes, position, position + keyBytes);
    position += keyBytes;
    const valueBytes = int32At(bytes, position);
    position += 4;
    if (valueBytes < 0 || position + valueBytes > end) throw malformed('ext value out of range');
    ext[key] = readExtValue(bytes, position, position + valueBytes);
    position += valueBytes;
  }
  return ext;
}

function malformed(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_HEADER_MALFORMED, message);
}
