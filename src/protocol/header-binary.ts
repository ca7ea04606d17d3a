import { ErrorCode, PetrelError } from '../common/errors.js';
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
  const remark = command.remark === null ? null : Buffer.from(command.remark, 'utf8');
  const entries: Array<[Buffer, Buffer]> = [];
  let extBytes = 0;
  if (command.extFields !== null) {
    for (const [key, value] of Object.entries(command.extFields)) {
      const keyBytes = Buffer.from(key, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      entries.push([keyBytes, valueBytes]);
      extBytes += 2 + keyBytes.length + 4 + valueBytes.length;
    }
  }
  const remarkBytes = remark === null ? 0 : remark.length;
  const out = Buffer.allocUnsafe(FIXED_BYTES + 4 + remarkBytes + 4 + extBytes);
  let position = out.writeInt16BE((command.code << 16) >> 16, 0);
  position = out.writeUInt8(LanguageCode[command.language], position);
  position = out.writeInt16BE((command.version << 16) >> 16, position);
  position = out.writeInt32BE(command.opaque | 0, position);
  position = out.writeInt32BE(command.flag | 0, position);
  position = out.writeInt32BE(remarkBytes, position);
  if (remark !== null) position += remark.copy(out, position);
  position = out.writeInt32BE(extBytes, position);
  for (const [keyBytes, valueBytes] of entries) {
    position = out.writeInt16BE(keyBytes.length, position);
    position += keyBytes.copy(out, position);
    position = out.writeInt32BE(valueBytes.length, position);
    position += valueBytes.copy(out, position);
  }
  return out;
}

export function decodeBinaryHeader(bytes: Buffer): HeaderFields {
  if (bytes.length < FIXED_BYTES + 8) throw malformed(`binary header too short: ${bytes.length} bytes`);
  const code = bytes.readInt16BE(0);
  const language = LANGUAGE_BY_BYTE[bytes.readUInt8(2)] ?? 'OTHER';
  const version = bytes.readInt16BE(3);
  const opaque = bytes.readInt32BE(5);
  const flag = bytes.readInt32BE(9);
  const remarkBytes = bytes.readInt32BE(13);
  let position = 17;
  if (remarkBytes < 0 || position + remarkBytes + 4 > bytes.length) throw malformed('remark length out of range');
  const remark = remarkBytes === 0 ? null : bytes.toString('utf8', position, position + remarkBytes);
  position += remarkBytes;
  const extBytes = bytes.readInt32BE(position);
  position += 4;
  if (extBytes < 0 || position + extBytes !== bytes.length) throw malformed('ext map length out of range');
  const extFields = extBytes === 0 ? null : decodeExtMap(bytes, position, position + extBytes);
  return { code, language, version, opaque, flag, remark, extFields };
}

function decodeExtMap(bytes: Buffer, start: number, end: number): Record<string, string> {
  const ext: Record<string, string> = {};
  let position = start;
  while (position < end) {
    if (position + 2 > end) throw malformed('ext key length truncated');
    const keyBytes = bytes.readInt16BE(position);
    position += 2;
    if (keyBytes < 0 || position + keyBytes + 4 > end) throw malformed('ext key out of range');
    const key = bytes.toString('utf8', position, position + keyBytes);
    position += keyBytes;
    const valueBytes = bytes.readInt32BE(position);
    position += 4;
    if (valueBytes < 0 || position + valueBytes > end) throw malformed('ext value out of range');
    ext[key] = bytes.toString('utf8', position, position + valueBytes);
    position += valueBytes;
  }
  return ext;
}

function malformed(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_HEADER_MALFORMED, message);
}
