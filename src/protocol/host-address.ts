import { ErrorCode, PetrelError } from '../common/errors.js';
import { HOST_V4_BYTES, HOST_V6_BYTES } from './record-layout.js';

/**
 * Socket addresses as the record stores them (reference §3.1 rows 10 and 12):
 *
 *   IPv4: address 4 bytes | port i32     (8 bytes)
 *   IPv6: address 16 bytes | port i32    (20 bytes)
 *
 * As text, "ip:port" like Java's RemotingHelper: IPv4 dotted quad; IPv6 in Java's
 * getHostAddress form (eight lowercase hex groups without leading zeros, no "::" compression,
 * no brackets), e.g. "0:0:0:0:0:0:0:1:10911". The parser accepts brackets, "::" compression
 * and a dotted IPv4 tail. Pure code: no node:net.
 */
export type HostBytes = Buffer;

/** Parses "ip:port" into its 8- or 20-byte record form. Throws ERR_RECORD_MALFORMED on bad text. */
export function encodeHost(address: string): HostBytes {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw badHost(address);
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw badHost(address);
  let ip = address.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const v4 = parseIpv4(ip);
  if (v4 !== undefined) {
    const out = Buffer.alloc(HOST_V4_BYTES);
    out.writeUInt32BE(v4, 0);
    out.writeInt32BE(port, 4);
    return out;
  }
  const out = Buffer.alloc(HOST_V6_BYTES);
  if (!parseIpv6(ip, out)) throw badHost(address);
  out.writeInt32BE(port, 16);
  return out;
}

/** Reads an 8- (IPv4) or 20-byte (IPv6) host at `position` as "ip:port". */
export function decodeHost(bytes: Buffer, position: number, v6: boolean): string {
  if (!v6) {
    return `${bytes[position]}.${bytes[position + 1]}.${bytes[position + 2]}.${bytes[position + 3]}:`
      + `${bytes.readInt32BE(position + 4)}`;
  }
  let text = '';
  for (let group = 0; group < 8; group++) {
    if (group !== 0) text += ':';
    text += bytes.readUInt16BE(position + group * 2).toString(16);
  }
  return `${text}:${bytes.readInt32BE(position + 16)}`;
}

/** True when the address text is IPv6 (so its record form is 20 bytes). */
export function isIpv6Host(address: string): boolean {
  const colon = address.lastIndexOf(':');
  return colon > 0 && address.lastIndexOf(':', colon - 1) >= 0;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || !/^\d+$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Writes the 16 address bytes of an IPv6 text into out[0..16); false when it does not parse. */
function parseIpv6(text: string, out: Buffer): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return false;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return false;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  groups.forEach((group, index) => out.writeUInt16BE(group, index * 2));
  return true;
}

function groupsOf(text: string): number[] | undefined {
  if (text.length === 0) return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    if (index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function badHost(address: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_RECORD_MALFORMED, `bad host address ${JSON.stringify(address)}`);
}
