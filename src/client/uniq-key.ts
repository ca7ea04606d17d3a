import { UniqKeyGenerator } from '../protocol/message-id.js';

/**
 * UNIQ_KEY generation for the send hot path: the same format as `protocol/message-id`'s
 * UniqKeyGenerator (Java's MessageClientIDSetter, reference §3.5: ip ‖ pid ‖ hash ‖ ms since the
 * start of the month ‖ counter, 32 uppercase hex chars), whose fixed 20-char prefix it reuses,
 * but the 12 varying hex chars come from a byte→hex table (6 lookups, no toString/padStart).
 */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, '0'));

function hex8(value: number): string {
  return (BYTE_HEX[(value >>> 24) & 0xff] as string) + (BYTE_HEX[(value >>> 16) & 0xff] as string)
    + (BYTE_HEX[(value >>> 8) & 0xff] as string) + (BYTE_HEX[value & 0xff] as string);
}

export class FastUniqKeyGenerator {
  private readonly prefix: string;
  private counter: number;
  private monthStartMs = 0;
  private nextMonthStartMs = 0;

  constructor(options: { ipBytes?: Uint8Array } = {}) {
    // The reference generator's fixed part: everything but the last 12 hex chars.
    this.prefix = new UniqKeyGenerator(options).next().slice(0, -12);
    this.counter = Math.floor(Math.random() * 0x10000);
  }

  next(nowMs: number = Date.now()): string {
    if (nowMs >= this.nextMonthStartMs || nowMs < this.monthStartMs) this.resetMonth(nowMs);
    const counter = this.counter;
    this.counter = (counter + 1) & 0xffff;
    return this.prefix + hex8(nowMs - this.monthStartMs)
      + (BYTE_HEX[(counter >>> 8) & 0xff] as string) + (BYTE_HEX[counter & 0xff] as string);
  }

  private resetMonth(nowMs: number): void {
    const now = new Date(nowMs);
    this.monthStartMs = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
    this.nextMonthStartMs = new Date(now.getFullYear(), now.getMonth() + 1, 1).getTime();
  }
}
