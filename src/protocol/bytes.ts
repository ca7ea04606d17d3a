/**
 * Big-endian reads without Buffer's per-call argument validation, for hot decoders whose
 * positions are already bounds-checked by the caller (a read past the end yields garbage, not
 * an exception, so callers must check first). Longs are doubles: exact below 2^53.
 */
const TWO_POW_32 = 4294967296;

export function int16At(bytes: Uint8Array, position: number): number {
  return (((bytes[position] as number) << 24) >> 16) | (bytes[position + 1] as number);
}

export function int32At(bytes: Uint8Array, position: number): number {
  return ((bytes[position] as number) << 24) | ((bytes[position + 1] as number) << 16)
    | ((bytes[position + 2] as number) << 8) | (bytes[position + 3] as number);
}

export function uint32At(bytes: Uint8Array, position: number): number {
  return int32At(bytes, position) >>> 0;
}

/** The long at `position`, or NaN when it is not a safe integer. */
export function safeLongAt(bytes: Uint8Array, position: number): number {
  const value = int32At(bytes, position) * TWO_POW_32 + uint32At(bytes, position + 4);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/**
 * Big-endian writes without Buffer's per-call argument checks, for hot encoders that sized the
 * target first. Values are truncated to their width exactly as a typed-array store does.
 */
export function put16(out: Uint8Array, position: number, value: number): void {
  out[position] = value >>> 8;
  out[position + 1] = value;
}

export function put32(out: Uint8Array, position: number, value: number): void {
  out[position] = value >>> 24;
  out[position + 1] = value >>> 16;
  out[position + 2] = value >>> 8;
  out[position + 3] = value;
}

/** A long given as a safe integer (the caller asserts it), as two 32-bit halves: no BigInt. */
export function putLong(out: Uint8Array, position: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  put32(out, position, high);
  put32(out, position + 4, value - high * TWO_POW_32);
}

/** Strings up to this many chars are measured and written in JS when ASCII (no native call). */
const SHORT_STRING_CHARS = 64;

/** UTF-8 byte length (what Buffer.byteLength gives), without a native call for short ASCII. */
export function utf8Length(text: string): number {
  if (text.length <= SHORT_STRING_CHARS) {
    let index = 0;
    while (index < text.length && text.charCodeAt(index) < 0x80) index++;
    if (index === text.length) return index;
  }
  return Buffer.byteLength(text, 'utf8');
}

/** Writes text as UTF-8 at position (the target was sized with utf8Length); returns the bytes written. */
export function writeUtf8(out: Buffer, text: string, position: number): number {
  const length = text.length;
  if (length <= SHORT_STRING_CHARS) {
    let index = 0;
    for (; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0x80) break;
      out[position + index] = code;
    }
    if (index === length) return length;
  }
  return out.write(text, position, 'utf8');
}
