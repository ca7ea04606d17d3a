import { UniqKeyGenerator } from '../protocol/message-id.js';

/**
 * UNIQ_KEY generation for the send hot path: the same format as `protocol/message-id`'s
 * UniqKeyGenerator (Java's MessageClientIDSetter, reference §3.5: ip ‖ pid ‖ hash ‖ ms since the
 * start of the month ‖ counter, 32 uppercase hex chars), whose fixed 20-char prefix it reuses,
 * but the 12 varying hex chars come from a byte→hex table (no toString/padStart), and the prefix with
 * the 8 time chars is built once per millisecond (dozens of keys at load share it).
 */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, '0'));

/** Char codes of the uppercase hex digits. */
const HEX_CODES: readonly number[] = Array.from('0123456789ABCDEF', (digit) => digit.charCodeAt(0));

function hex8(value: number): string {
  return (BYTE_HEX[(value >>> 24) & 0xff] as string) + (BYTE_HEX[(value >>> 16) & 0xff] as string)
    + (BYTE_HEX[(value >>> 8) & 0xff] as string) + (BYTE_HEX[value & 0xff] as string);
}

/** A flat (sequential) copy of a concatenated string, so later concatenations and reads skip the rope walk. */
function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

export class FastUniqKeyGenerator {
  private readonly prefix: string;
  private counter: number;
  private monthStartMs = 0;
  private nextMonthStartMs = 0;
  /** The millisecond of `prefixWithTime` (NaN before the first key). */
  private cachedMs = Number.NaN;
  /** The fixed prefix and the 8 time chars of `cachedMs`, one flat string. */
  private prefixWithTime = '';
  /** The last key returned and its ASCII bytes (rewritten by the next `next`). */
  private lastKey = '';
  private readonly lastKeyBytes: Buffer;

  constructor(options: { ipBytes?: Uint8Array } = {}) {
    // The reference generator's fixed part: everything but the last 12 hex chars.
    this.prefix = new UniqKeyGenerator(options).next().slice(0, -12);
    this.counter = Math.floor(Math.random() * 0x10000);
    this.lastKeyBytes = Buffer.alloc(this.prefix.length + 12);
  }

  /**
   * The ASCII bytes of `key` when it is the key `next` returned last (valid until the next call),
   * else undefined. The batch encoder copies them instead of reading the concatenated string,
   * which V8 would first flatten into a new string (~90 ns per message).
   */
  bytesOf(key: string): Uint8Array | undefined {
    return key === this.lastKey ? this.lastKeyBytes : undefined;
  }

  next(nowMs: number = Date.now()): string {
    if (nowMs !== this.cachedMs) this.cacheMs(nowMs);
    const counter = this.counter;
    this.counter = (counter + 1) & 0xffff;
    // Two string allocations per key: the 4 counter chars, then the key (the prefix and the
    // time chars are one cached string while the millisecond lasts).
    const bytes = this.lastKeyBytes;
    const end = bytes.length;
    bytes[end - 4] = HEX_CODES[counter >>> 12] as number;
    bytes[end - 3] = HEX_CODES[(counter >>> 8) & 0xf] as number;
    bytes[end - 2] = HEX_CODES[(counter >>> 4) & 0xf] as number;
    bytes[end - 1] = HEX_CODES[counter & 0xf] as number;
    const key = this.prefixWithTime + ((BYTE_HEX[counter >>> 8] as string) + (BYTE_HEX[counter & 0xff] as string));
    this.lastKey = key;
    return key;
  }

  private cacheMs(nowMs: number): void {
    if (nowMs >= this.nextMonthStartMs || nowMs < this.monthStartMs) this.resetMonth(nowMs);
    this.cachedMs = nowMs;
    this.prefixWithTime = flat(this.prefix + hex8(nowMs - this.monthStartMs));
    this.lastKeyBytes.write(this.prefixWithTime, 0, 'latin1');
  }

  private resetMonth(nowMs: number): void {
    const now = new Date(nowMs);
    this.monthStartMs = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
    this.nextMonthStartMs = new Date(now.getFullYear(), now.getMonth() + 1, 1).getTime();
  }
}
