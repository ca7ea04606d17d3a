// The reference model of the store's index-key scan: the straightforward two-pass walk (split
// the properties bytes into pieces, then compare each piece's name) that the store used before
// index-file.ts `scanIndexKeyHashes` replaced it on the hot path. Kept here, not in src, because
// only tests use it: the one-pass scan is property-tested equal to it for every input, including
// repeated key names, where the string path (`indexKeysOf`) reads only the first pair.
import { indexKeyHash } from '../../../src/store/index-file.js';

const UNIQ_KEY_NAME = Buffer.from('UNIQ_KEY');
const KEYS_NAME = Buffer.from('KEYS');

function nameIs(buffer: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buffer[start + i] !== name[i]) return false;
  return true;
}

function keyHashOfBytes(buffer: Buffer, start: number, end: number, prefixHash: number): number {
  return indexKeyHash(prefixHash, buffer.toString('utf8', start, end));
}

/** Calls `sink` with the index-key hash of UNIQ_KEY and each KEYS token of every pair, in order. */
export function referenceIndexKeyHashes(
  buffer: Buffer, start: number, end: number, prefixHash: number, sink: (keyHash: number) => void,
): void {
  let pieceStart = start;
  while (pieceStart < end) {
    let pieceEnd = pieceStart;
    let separator = -1;
    while (pieceEnd < end && buffer[pieceEnd] !== 2) {
      if (separator < 0 && buffer[pieceEnd] === 1) separator = pieceEnd;
      pieceEnd++;
    }
    if (separator > pieceStart && separator < pieceEnd - 1) {
      if (nameIs(buffer, pieceStart, separator, UNIQ_KEY_NAME)) {
        sink(keyHashOfBytes(buffer, separator + 1, pieceEnd, prefixHash));
      } else if (nameIs(buffer, pieceStart, separator, KEYS_NAME)) {
        let tokenStart = separator + 1;
        for (let i = tokenStart; i <= pieceEnd; i++) {
          if (i === pieceEnd || buffer[i] === 0x20) {
            if (i > tokenStart) sink(keyHashOfBytes(buffer, tokenStart, i, prefixHash));
            tokenStart = i + 1;
          }
        }
      }
    }
    pieceStart = pieceEnd + 1;
  }
}
