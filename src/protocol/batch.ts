import { ErrorCode, PetrelError } from '../common/errors.js';
import { PROPERTIES_BYTES_MAX } from '../common/limits.js';
import { encodeProperties, type MessageProperties } from './properties.js';

/**
 * SEND_BATCH_MESSAGE body (reference §3.6): entries back to back, each
 *
 *   @0 TOTALSIZE i32 (entry bytes) | @4 MAGICCODE i32 (0) | @8 BODYCRC i32 (0) | @12 FLAG i32 |
 *   @16 BODYLEN i32 | BODY | PROPERTIESLEN i16 | PROPERTIES (UTF-8, §3.4)
 *
 * TOTALSIZE = 22 + body + properties. The broker turns each entry into a full record (§3.1).
 * Decoding checks every length; a bad one throws PetrelError(ERR_BODY_MALFORMED).
 */
export const BATCH_ENTRY_FIXED_BYTES = 4 + 4 + 4 + 4 + 4 + 2;

export interface BatchEntry {
  flag: number;
  /** A view into the batch body when decoded. */
  body: Buffer;
  /** Encoded properties string. */
  properties: string;
}

export interface BatchEntryInput {
  flag: number;
  body: Buffer;
  properties: string | Readonly<MessageProperties>;
}

function malformed(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_BODY_MALFORMED, `batch body: ${message}`);
}

export function encodeBatch(entries: readonly BatchEntryInput[]): Buffer {
  const texts = entries.map((entry) => typeof entry.properties === 'string'
    ? entry.properties
    : encodeProperties(entry.properties));
  let totalBytes = 0;
  const propertiesBytes = texts.map((text) => Buffer.byteLength(text, 'utf8'));
  entries.forEach((entry, index) => {
    const bytes = propertiesBytes[index] as number;
    if (bytes > PROPERTIES_BYTES_MAX) throw malformed(`properties of ${bytes} bytes exceed ${PROPERTIES_BYTES_MAX}`);
    totalBytes += BATCH_ENTRY_FIXED_BYTES + entry.body.length + bytes;
  });
  const out = Buffer.allocUnsafe(totalBytes);
  let position = 0;
  entries.forEach((entry, index) => {
    const bytes = propertiesBytes[index] as number;
    position = out.writeInt32BE(BATCH_ENTRY_FIXED_BYTES + entry.body.length + bytes, position);
    position = out.writeInt32BE(0, position);
    position = out.writeInt32BE(0, position);
    position = out.writeInt32BE(entry.flag, position);
    position = out.writeInt32BE(entry.body.length, position);
    out.set(entry.body, position);
    position += entry.body.length;
    position = out.writeInt16BE(bytes, position);
    position += out.write(texts[index] as string, position, 'utf8');
  });
  return out;
}

export function decodeBatch(body: Buffer): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let position = 0;
  while (position < body.length) {
    const available = body.length - position;
    if (available < BATCH_ENTRY_FIXED_BYTES) throw malformed(`truncated entry at ${position}`);
    const totalSize = body.readInt32BE(position);
    if (totalSize < BATCH_ENTRY_FIXED_BYTES || totalSize > available) {
      throw malformed(`entry size ${totalSize} at ${position} out of range`);
    }
    const flag = body.readInt32BE(position + 12);
    const bodyBytes = body.readInt32BE(position + 16);
    const propertiesLengthAt = position + 20 + bodyBytes;
    if (bodyBytes < 0 || bodyBytes > totalSize - BATCH_ENTRY_FIXED_BYTES) {
      throw malformed(`body length ${bodyBytes} at ${position} out of range`);
    }
    const propertiesBytes = body.readInt16BE(propertiesLengthAt);
    if (propertiesBytes < 0 || BATCH_ENTRY_FIXED_BYTES + bodyBytes + propertiesBytes !== totalSize) {
      throw malformed(`properties length ${propertiesBytes} does not end the entry at ${position}`);
    }
    entries.push({
      flag,
      body: body.subarray(position + 20, propertiesLengthAt),
      properties: body.toString('utf8', propertiesLengthAt + 2, propertiesLengthAt + 2 + propertiesBytes),
    });
    position += totalSize;
  }
  return entries;
}
