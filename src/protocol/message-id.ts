import { networkInterfaces } from 'node:os';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { decodeHost, encodeHost, type HostBytes } from './host-address.js';

/**
 * Message ids (reference §3.5).
 *
 * Offset message id (the broker's `msgId`, the client's offsetMsgId), uppercase hex of
 *   store host address (4 | 16 bytes) | store port i32 | physical offset i64
 *   = 32 hex chars for IPv4, 56 for IPv6.
 *
 * UNIQ_KEY (the producer's id, property UNIQ_KEY), uppercase hex of
 *   client IP (4 | 16) | pid u16 | hash i32 | ms since start of month (local time) i32 | counter u16
 *   = 32 hex chars for IPv4 (56 for IPv6). The first three fields are fixed per process; the
 *   ms field wraps past 2^31 late in a month exactly as Java's int cast does.
 */
const HEX_DIGITS = '0123456789ABCDEF';
const TWO_POW_32 = 4294967296;

function malformedId(id: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_HEADER_MALFORMED, `bad message id ${JSON.stringify(id)}`);
}

function hexOf(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += (HEX_DIGITS[byte >>> 4] as string) + (HEX_DIGITS[byte & 15] as string);
  return text;
}

function bytesOfHex(id: string): Buffer {
  if (id.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(id)) throw malformedId(id);
  return Buffer.from(id, 'hex');
}

/** Two uppercase hex digits per byte value: the offset half of every SEND reply's msgId. */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  (HEX_DIGITS[byte >>> 4] as string) + (HEX_DIGITS[byte & 15] as string));

function hex32(value: number): string {
  return (BYTE_HEX[(value >>> 24) & 255] as string) + (BYTE_HEX[(value >>> 16) & 255] as string)
    + (BYTE_HEX[(value >>> 8) & 255] as string) + (BYTE_HEX[value & 255] as string);
}

/** Bounded cache of store-host prefixes: a broker has one store host, a client a few. */
const prefixCache = new Map<string, string>();
const PREFIX_CACHE_ENTRIES_MAX = 256;

/** The offset message id of the record stored at `physicalOffset` by `storeHost`. */
export function encodeOffsetMsgId(storeHost: string | HostBytes, physicalOffset: number): string {
  let prefix: string | undefined;
  if (typeof storeHost === 'string') {
    prefix = prefixCache.get(storeHost);
    if (prefix === undefined) {
      prefix = hexOf(encodeHost(storeHost));
      if (prefixCache.size >= PREFIX_CACHE_ENTRIES_MAX) prefixCache.clear();
      prefixCache.set(storeHost, prefix);
    }
  } else {
    prefix = hexOf(storeHost);
  }
  const high = Math.floor(physicalOffset / TWO_POW_32);
  return prefix + hex32(high) + hex32(physicalOffset - high * TWO_POW_32);
}

export interface OffsetMsgId {
  /** "ip:port" of the broker that stored the record. */
  storeHost: string;
  physicalOffset: number;
}

/** Decodes an offset message id: 32 hex chars => IPv4 store host, 56 => IPv6. */
export function decodeOffsetMsgId(id: string): OffsetMsgId {
  if (id.length !== 32 && id.length !== 56) throw malformedId(id);
  const bytes = bytesOfHex(id);
  const v6 = bytes.length === 28;
  const hostBytes = v6 ? 20 : 8;
  const high = bytes.readInt32BE(hostBytes);
  if (high < 0 || high > 0x1fffff) throw malformedId(id);
  return {
    storeHost: decodeHost(bytes, 0, v6),
    physicalOffset: high * TWO_POW_32 + bytes.readUInt32BE(hostBytes + 4),
  };
}

export interface UniqKeyOptions {
  /** 4 or 16 address bytes; default: the first non-internal IPv4 address, else 127.0.0.1. */
  ipBytes?: Uint8Array;
  pid?: number;
  /** Java uses the class loader's identity hash; any per-process int will do. */
  hash?: number;
  /** Wall clock in ms; injected by tests. */
  nowMs?: () => number;
}

/** UNIQ_KEY generator like Java's MessageClientIDSetter. */
export class UniqKeyGenerator {
  private readonly fixedHex: string;
  private readonly nowMs: () => number;
  private monthStartMs = 0;
  private nextMonthStartMs = 0;
  private counter = 0;

  constructor(options: UniqKeyOptions = {}) {
    const ip = options.ipBytes ?? defaultIpBytes();
    if (ip.length !== 4 && ip.length !== 16) throw new RangeError('ipBytes must be 4 or 16 bytes');
    const fixed = Buffer.alloc(ip.length + 6);
    fixed.set(ip, 0);
    fixed.writeUInt16BE((options.pid ?? process.pid) & 0xffff, ip.length);
    fixed.writeInt32BE((options.hash ?? Math.floor(Math.random() * TWO_POW_32)) | 0, ip.length + 2);
    this.fixedHex = hexOf(fixed);
    this.nowMs = options.nowMs ?? Date.now;
  }

  next(): string {
    const now = this.nowMs();
    if (now >= this.nextMonthStartMs || now < this.monthStartMs) this.setMonth(now);
    const sinceMonthStart = hex32(now - this.monthStartMs);
    const counter = this.counter;
    this.counter = (counter + 1) & 0xffff;
    return this.fixedHex + sinceMonthStart + counter.toString(16).toUpperCase().padStart(4, '0');
  }

  private setMonth(nowMs: number): void {
    const date = new Date(nowMs);
    this.monthStartMs = new Date(date.getFullYear(), date.getMonth(), 1).getTime();
    this.nextMonthStartMs = new Date(date.getFullYear(), date.getMonth() + 1, 1).getTime();
  }
}

/**
 * The creation time (ms) encoded in a UNIQ_KEY, resolved like Java's getNearlyTimeFromID:
 * relative to the start of the current month, or of the previous month when that would lie
 * in the future. Only correct for ids less than about a month old.
 */
export function uniqKeyTimestampMs(id: string, nowMs: number = Date.now()): number {
  if (id.length !== 32 && id.length !== 56) throw malformedId(id);
  const bytes = bytesOfHex(id);
  const spanMs = bytes.readUInt32BE(bytes.length - 6);
  const now = new Date(nowMs);
  let monthStartMs = new Date(now.getFullYear(), now.getMonth(), 1).getTime();
  if (monthStartMs + spanMs >= nowMs) monthStartMs = new Date(now.getFullYear(), now.getMonth() - 1, 1).getTime();
  return monthStartMs + spanMs;
}

/** The client IP encoded in a UNIQ_KEY, as text (dotted quad or Java's IPv6 form). */
export function uniqKeyIp(id: string): string {
  if (id.length !== 32 && id.length !== 56) throw malformedId(id);
  const bytes = bytesOfHex(id);
  const v6 = bytes.length === 28;
  const hostText = decodeHost(Buffer.concat([bytes.subarray(0, v6 ? 16 : 4), Buffer.alloc(4)]), 0, v6);
  return hostText.slice(0, hostText.lastIndexOf(':'));
}

function defaultIpBytes(): Uint8Array {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return encodeHost(`${address.address}:0`).subarray(0, 4);
    }
  }
  return Uint8Array.of(127, 0, 0, 1);
}
