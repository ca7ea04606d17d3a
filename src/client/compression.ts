import { deflateSync, inflateSync } from 'node:zlib';
import { SysFlag } from '../protocol/record-layout.js';

/**
 * Body compression as the Java producer does it (reference §3.3): bodies of at least
 * `compressMsgBodyOverHowmuch` (4096) bytes are deflated with zlib level 5 (RFC 1950 stream,
 * Java's Deflater with header) and sysFlag gets COMPRESSED | ZLIB type (0x301, 4.9.4+).
 * Batches are never compressed. Consumers inflate when the COMPRESSED bit is set.
 */
export const COMPRESS_BODY_OVER_BYTES_DEFAULT = 4096;
export const COMPRESS_LEVEL_DEFAULT = 5;

export interface CompressedBody {
  body: Buffer;
  sysFlag: number;
}

/** Returns the body to send and the sysFlag compression bits (0 when left uncompressed). */
export function maybeCompress(
  body: Buffer,
  overBytes: number = COMPRESS_BODY_OVER_BYTES_DEFAULT,
  level: number = COMPRESS_LEVEL_DEFAULT,
): CompressedBody {
  if (body.length < overBytes) return { body, sysFlag: 0 };
  const deflated = deflateSync(body, { level });
  return { body: deflated, sysFlag: SysFlag.COMPRESSED | SysFlag.COMPRESSION_ZLIB };
}

/** Inflates a stored body when the record's sysFlag says it is compressed (zlib only). */
export function maybeDecompress(body: Buffer, sysFlag: number): Buffer {
  if ((sysFlag & SysFlag.COMPRESSED) === 0) return body;
  return inflateSync(body);
}
