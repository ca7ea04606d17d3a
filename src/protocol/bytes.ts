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
