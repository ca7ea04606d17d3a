import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { type FileIo, readFully, writeFully } from './file-io.js';
import { readI64, writeI64 } from './record-access.js';
import { put32 } from '../protocol/bytes.js';

/**
 * Index files for lookups by KEYS and UNIQ_KEY (reference §3.7): `index/<yyyyMMddHHmmssSSS>`,
 *
 *   header 40 B: | beginTimestamp i64 | endTimestamp i64 | beginPhyOffset i64 | endPhyOffset i64 |
 *                | hashSlotCount i32 | indexCount i32 |
 *   slots:       slotCount x i32 (newest entry number for the slot, 0 = empty)
 *   entries:     | keyHash i32 | phyOffset i64 | timeDiffSeconds i32 | prevIndex i32 |  (entry 0 unused)
 *
 * keyHash = |String.hashCode(topic + "#" + key)|, slot = keyHash % slotCount.
 *
 * The current file's slot table lives in a SharedArrayBuffer (readers in any thread use it), so
 * a key costs no slot write; entries are appended to the file once per batch. `persist` writes
 * the header and dirty slot pages: the file on disk is then complete up to the header's
 * indexCount / endPhyOffset, which recovery trusts and re-indexes after. Owner: the store worker.
 */
export const INDEX_HEADER_BYTES = 40;
export const INDEX_ENTRY_BYTES = 20;
const SLOT_PAGE_SLOTS = 1024;

export function indexFileBytes(slotCount: number, entryCountMax: number): number {
  return INDEX_HEADER_BYTES + slotCount * 4 + entryCountMax * INDEX_ENTRY_BYTES;
}

export function indexKeyHash(topicHashPrefix: number, key: string): number {
  let hash = topicHashPrefix;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return positiveKeyHash(hash);
}

/**
 * RocketMQ's positive key hash: Java's `Math.abs` of Integer.MIN_VALUE stays negative and the
 * broker then uses 0; JS's `Math.abs` would give 2^31, which fits no int32 slot, entry or
 * Int32Array of producer-computed hashes.
 */
function positiveKeyHash(hash: number): number {
  return hash === -0x80000000 ? 0 : Math.abs(hash);
}

let lastPrefixTopic = '';
let lastPrefixHash = topicHashPrefix('');

/**
 * Producer side of the index (an I/O thread has the key strings already): one record's index-key
 * hashes in the form `StoreProducer.append` takes them: the key count, then
 * |String.hashCode(topic + "#" + key)| for UNIQ_KEY and each space-separated KEYS token, exactly
 * what the store worker computes from the properties when no hashes are given. Appends to `out`.
 */
export function indexKeyHashesOf(topic: string, uniqKey: string | undefined, keys: string | undefined, out: number[] = []): number[] {
  if (topic !== lastPrefixTopic) {
    lastPrefixTopic = topic;
    lastPrefixHash = topicHashPrefix(topic);
  }
  const countAt = out.length;
  out.push(0);
  if (uniqKey !== undefined && uniqKey !== '') out.push(indexKeyHash(lastPrefixHash, uniqKey));
  if (keys !== undefined && keys !== '') {
    for (const key of keys.split(' ')) if (key !== '') out.push(indexKeyHash(lastPrefixHash, key));
  }
  out[countAt] = out.length - countAt - 1;
  return out;
}

const PAIR_SEPARATOR = 2;
const KEY_SEPARATOR = 0x20;
/** `UNIQ_KEY\u0001` and `KEYS\u0001`: a property piece starting with one of them names an index key. */
const UNIQ_KEY_PAIR = Buffer.from('UNIQ_KEY\u0001', 'latin1');
const KEYS_PAIR = Buffer.from('KEYS\u0001', 'latin1');

function startsWith(buffer: Uint8Array, position: number, end: number, prefix: Uint8Array): boolean {
  if (end - position < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buffer[position + i] !== prefix[i]) return false;
  return true;
}

/**
 * The store worker's index-key scan of one record's properties bytes [start, end): calls
 * `sink(hash)` with |String.hashCode(topic + "#" + key)| for the UNIQ_KEY value and each
 * non-empty space-separated KEYS token, in order, as the earlier two-pass scan did (now the
 * tests' model, test/property/store/index-key-reference.ts), in one pass: a piece is matched by
 * its first bytes and a key's value is hashed while it is scanned (no second walk over the
 * piece); other pieces are only skipped to their separator. A non-ASCII key is hashed from its decoded string.
 */
export function scanIndexKeyHashes(
  buffer: Buffer, start: number, end: number, prefixHash: number, sink: (keyHash: number) => void,
): void {
  let position = start;
  while (position < end) {
    const first = buffer[position];
    if (first === 0x55 && startsWith(buffer, position, end, UNIQ_KEY_PAIR)) {
      position = hashKeyTokens(buffer, position + UNIQ_KEY_PAIR.length, end, prefixHash, sink, false);
    } else if (first === 0x4b && startsWith(buffer, position, end, KEYS_PAIR)) {
      position = hashKeyTokens(buffer, position + KEYS_PAIR.length, end, prefixHash, sink, true);
    } else {
      while (position < end && buffer[position] !== PAIR_SEPARATOR) position++;
    }
    position++;
  }
}

/** Hashes the value at `valueStart` up to its piece's end (split on spaces when `split`); returns the piece's end. */
function hashKeyTokens(
  buffer: Buffer, valueStart: number, end: number, prefixHash: number, sink: (keyHash: number) => void, split: boolean,
): number {
  let tokenStart = valueStart;
  let hash = prefixHash;
  let ascii = true;
  let position = valueStart;
  for (; position < end; position++) {
    const byte = buffer[position] as number;
    if (byte === PAIR_SEPARATOR) break;
    if (split && byte === KEY_SEPARATOR) {
      if (position > tokenStart) sink(ascii ? positiveKeyHash(hash) : indexKeyHash(prefixHash, buffer.toString('utf8', tokenStart, position)));
      tokenStart = position + 1;
      hash = prefixHash;
      ascii = true;
      continue;
    }
    if (byte >= 0x80) ascii = false;
    hash = (Math.imul(hash, 31) + byte) | 0;
  }
  if (position > tokenStart) sink(ascii ? positiveKeyHash(hash) : indexKeyHash(prefixHash, buffer.toString('utf8', tokenStart, position)));
  return position;
}

/** Java hash of `topic + "#"`, the prefix every key hash of the topic continues from. */
export function topicHashPrefix(topic: string): number {
  let hash = 0;
  for (let i = 0; i < topic.length; i++) hash = (Math.imul(hash, 31) + topic.charCodeAt(i)) | 0;
  return (Math.imul(hash, 31) + 35) | 0;
}

export function indexFileName(createdMs: number): string {
  const date = new Date(createdMs);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`
    + `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}${pad(date.getMilliseconds(), 3)}`;
}

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export function encodeIndexHeader(header: IndexHeader, target: Buffer): void {
  writeI64(target, 0, header.beginTimestamp);
  writeI64(target, 8, header.endTimestamp);
  writeI64(target, 16, header.beginPhyOffset);
  writeI64(target, 24, header.endPhyOffset);
  target.writeInt32BE(header.hashSlotCount, 32);
  target.writeInt32BE(header.indexCount, 36);
}

export function decodeIndexHeader(source: Buffer): IndexHeader {
  return {
    beginTimestamp: readI64(source, 0),
    endTimestamp: readI64(source, 8),
    beginPhyOffset: readI64(source, 16),
    endPhyOffset: readI64(source, 24),
    hashSlotCount: source.readInt32BE(32),
    indexCount: source.readInt32BE(36),
  };
}

export function readIndexHeader(io: FileIo, fd: number): IndexHeader | null {
  const bytes = Buffer.alloc(INDEX_HEADER_BYTES);
  if (readFully(io, fd, bytes, 0, INDEX_HEADER_BYTES, 0) !== INDEX_HEADER_BYTES) return null;
  return decodeIndexHeader(bytes);
}

/** The store worker's side: one open index file plus its shared slot table. */
export class IndexWriter {
  private fd = -1;
  private path = '';
  private readonly header: IndexHeader = emptyHeader();
  private readonly staged: Buffer;
  private stagedCount = 0;
  private readonly dirtyPages: Uint8Array;
  private readonly slotBytes: Buffer;
  private persistedCount = 0;

  constructor(
    private readonly io: FileIo,
    private readonly dir: string,
    readonly slots: Int32Array,
    private readonly entryCountMax: number,
    stagedEntriesMax: number,
    /** Called after the current file changed (opened, created); readers must re-resolve. */
    private readonly onFileChange: (name: string) => void = () => undefined,
  ) {
    this.staged = Buffer.alloc(stagedEntriesMax * INDEX_ENTRY_BYTES);
    this.dirtyPages = new Uint8Array(Math.ceil(slots.length / SLOT_PAGE_SLOTS));
    this.slotBytes = Buffer.from(slots.buffer, slots.byteOffset, slots.byteLength);
  }

  get fileName(): string {
    return this.path === '' ? '' : this.path.slice(this.dir.length + 1);
  }

  get indexCount(): number {
    return this.header.indexCount;
  }

  get endPhyOffset(): number {
    return this.header.endPhyOffset;
  }

  get endTimestamp(): number {
    return this.header.endTimestamp;
  }

  get beginTimestamp(): number {
    return this.header.beginTimestamp;
  }

  /** Opens an existing file (recovery) with slots loaded and sanitized, or creates a new one. */
  open(name: string | null, nowMs: number): void {
    if (name === null) {
      this.create(nowMs);
      return;
    }
    this.path = join(this.dir, name);
    this.fd = this.io.open(this.path, 'r+');
    const header = readIndexHeader(this.io, this.fd);
    Object.assign(this.header, header ?? emptyHeader());
    if (this.header.indexCount < 1) this.header.indexCount = 1;
    const bytes = readFully(this.io, this.fd, this.slotBytes, 0, this.slotBytes.length, INDEX_HEADER_BYTES);
    this.slotBytes.fill(0, bytes);
    // The slot table is big-endian on disk; the shared table is native, so convert in place.
    for (let slot = 0; slot < this.slots.length; slot++) {
      const value = this.slotBytes.readInt32BE(slot * 4);
      this.slots[slot] = value > 0 && value < this.header.indexCount ? value : 0;
    }
    this.persistedCount = this.header.indexCount;
    this.onFileChange(name);
  }

  private create(nowMs: number): void {
    this.closeFile();
    let name = indexFileName(nowMs);
    while (this.io.exists(join(this.dir, name))) name = indexFileName(nowMs += 1);
    this.path = join(this.dir, name);
    this.fd = this.io.open(this.path, 'w+');
    this.io.truncate(this.fd, indexFileBytes(this.slots.length, this.entryCountMax));
    Object.assign(this.header, emptyHeader());
    this.header.indexCount = 1;
    this.slots.fill(0);
    this.dirtyPages.fill(0);
    this.persistedCount = 0;
    this.writeHeader();
    this.onFileChange(name);
  }

  isFull(): boolean {
    return this.header.indexCount >= this.entryCountMax;
  }

  stagedFull(): boolean {
    return (this.stagedCount + 1) * INDEX_ENTRY_BYTES > this.staged.length;
  }

  /** Adds one key; the caller rolls (`roll`) first when `isFull()` and flushes when staged is full. */
  put(keyHash: number, physicalOffset: number, storeTimestampMs: number): void {
    assert(!this.isFull() && !this.stagedFull(), 'index put without room');
    const header = this.header;
    if (header.indexCount === 1 && this.stagedCount === 0) {
      header.beginTimestamp = storeTimestampMs;
      header.beginPhyOffset = physicalOffset;
    }
    const slot = keyHash % this.slots.length;
    const previous = this.slots[slot] as number;
    const timeDiffSeconds = Math.max(0, Math.floor((storeTimestampMs - header.beginTimestamp) / 1000));
    const position = this.stagedCount * INDEX_ENTRY_BYTES;
    put32(this.staged, position, keyHash);
    writeI64(this.staged, position + 4, physicalOffset);
    put32(this.staged, position + 12, timeDiffSeconds);
    put32(this.staged, position + 16, previous);
    const entryNumber = header.indexCount + this.stagedCount;
    if (previous === 0) header.hashSlotCount++;
    this.slots[slot] = entryNumber;
    this.dirtyPages[Math.floor(slot / SLOT_PAGE_SLOTS)] = 1;
    this.stagedCount++;
    header.endTimestamp = storeTimestampMs;
    header.endPhyOffset = physicalOffset;
  }

  /** Writes staged entries to the file (one positional write); returns the new index count. */
  flushStaged(): number {
    if (this.stagedCount === 0) return this.header.indexCount;
    const position = INDEX_HEADER_BYTES + this.slots.length * 4 + this.header.indexCount * INDEX_ENTRY_BYTES;
    writeFully(this.io, this.fd, this.staged, 0, this.stagedCount * INDEX_ENTRY_BYTES, position);
    this.header.indexCount += this.stagedCount;
    this.stagedCount = 0;
    return this.header.indexCount;
  }

  /** Writes dirty slot pages (big-endian) and then the header; the file is then self-consistent. */
  persist(): void {
    this.flushStaged();
    if (this.persistedCount === this.header.indexCount) return;
    const page = Buffer.alloc(SLOT_PAGE_SLOTS * 4);
    for (let pageIndex = 0; pageIndex < this.dirtyPages.length; pageIndex++) {
      if (this.dirtyPages[pageIndex] === 0) continue;
      const first = pageIndex * SLOT_PAGE_SLOTS;
      const count = Math.min(SLOT_PAGE_SLOTS, this.slots.length - first);
      for (let i = 0; i < count; i++) page.writeInt32BE(this.slots[first + i] as number, i * 4);
      writeFully(this.io, this.fd, page, 0, count * 4, INDEX_HEADER_BYTES + first * 4);
      this.dirtyPages[pageIndex] = 0;
    }
    this.writeHeader();
    this.persistedCount = this.header.indexCount;
  }

  /** Finishes the full file and starts a new one. */
  roll(nowMs: number): void {
    this.persist();
    this.create(nowMs);
  }

  get filePath(): string {
    return this.path;
  }

  private writeHeader(): void {
    const bytes = Buffer.alloc(INDEX_HEADER_BYTES);
    encodeIndexHeader(this.header, bytes);
    writeFully(this.io, this.fd, bytes, 0, INDEX_HEADER_BYTES, 0);
  }

  closeFile(): void {
    if (this.fd >= 0) this.io.close(this.fd);
    this.fd = -1;
  }
}

function emptyHeader(): IndexHeader {
  return { beginTimestamp: 0, endTimestamp: 0, beginPhyOffset: 0, endPhyOffset: 0, hashSlotCount: 0, indexCount: 0 };
}

/** Index file names, oldest first. */
export function listIndexFiles(io: FileIo, dir: string): string[] {
  return io.list(dir).filter((name) => /^\d{17}$/.test(name)).sort();
}

export interface IndexHit {
  physicalOffset: number;
}

/**
 * Walks one index file's chain for `keyHash`; `slotValue` comes from the shared table (current
 * file) or from the file. Collects physical offsets of entries inside [beginMs, endMs].
 */
export function walkIndexChain(
  io: FileIo, fd: number, header: IndexHeader, slotCount: number, slotValue: number, keyHash: number,
  beginMs: number, endMs: number, maxCount: number, indexCount: number, sink: number[],
): void {
  const entry = Buffer.alloc(INDEX_ENTRY_BYTES);
  let entryNumber = slotValue;
  let steps = 0;
  while (entryNumber > 0 && entryNumber < indexCount && sink.length < maxCount && steps < indexCount) {
    steps++;
    const position = INDEX_HEADER_BYTES + slotCount * 4 + entryNumber * INDEX_ENTRY_BYTES;
    if (readFully(io, fd, entry, 0, INDEX_ENTRY_BYTES, position) !== INDEX_ENTRY_BYTES) return;
    const timeMs = header.beginTimestamp + entry.readInt32BE(12) * 1000;
    if (entry.readInt32BE(0) === keyHash && timeMs >= beginMs - 999 && timeMs <= endMs) {
      sink.push(readI64(entry, 4));
    }
    const previous = entry.readInt32BE(16);
    if (previous >= entryNumber) return;
    entryNumber = previous;
  }
}
