import { UniqKeyGenerator } from '../protocol/message-id.js';

/**
 * UNIQ_KEY generation for the send hot path: the same format as `protocol/message-id`'s
 * UniqKeyGenerator (Java's MessageClientIDSetter, reference §3.5: ip ‖ pid ‖ hash ‖ ms since the
 * start of the month ‖ counter, 32 uppercase hex chars), whose fixed 20-char prefix it reuses,
 * but the 12 varying hex chars come from a byte→hex table (no toString/padStart), and the prefix with
 * the 8 time chars is built once per millisecond (dozens of keys at load share it).
 */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, '0'));

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

  constructor(options: { ipBytes?: Uint8Array } = {}) {
    // The reference generator's fixed part: everything but the last 12 hex chars.
    this.prefix = new UniqKeyGenerator(options).next().slice(0, -12);
    this.counter = Math.floor(Math.random() * 0x10000);
  }

  next(nowMs: number = Date.now()): string {
    if (nowMs !== this.cachedMs) this.cacheMs(nowMs);
    const counter = this.counter;
    this.counter = (counter + 1) & 0xffff;
    // Two string allocations per key: the 4 counter chars, then the key (the prefix and the
    // time chars are one cached string while the millisecond lasts).
    return this.prefixWithTime + ((BYTE_HEX[counter >>> 8] as string) + (BYTE_HEX[counter & 0xff] as string));
  }

  private cacheMs(nowMs: number): void {
    if (nowMs >= this.nextMonthStartMs || nowMs < this.monthStartMs) this.resetMonth(nowMs);
    this.cachedMs = nowMs;
    this.prefixWithTime = flat(this.prefix + hex8(nowMs - this.monthStartMs));
  }

  private resetMonth(nowMs: number): void {
    const now = new Date(nowMs);
    this.monthStartMs = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
    this.nextMonthStartMs = new Date(now.getFullYear(), now.getMonth() + 1, 1).getTime();
  }
}
