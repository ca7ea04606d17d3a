import { assert } from '../../common/assert.js';
import { PROPERTIES_BYTES_MAX } from '../../common/limits.js';
import { BATCH_ENTRY_FIXED_BYTES } from '../../protocol/batch.js';
import { int16At, int32At, put16, put32, putLong, utf8Length, writeUtf8 } from '../../protocol/bytes.js';
import { MessageConst } from '../../protocol/message-const.js';
import { MESSAGE_MAGIC, RecordPosition, SysFlag, bodyLengthPosition } from '../../protocol/record-layout.js';
import { bodyCrc } from '../../store/record-access.js';
import { javaStringHashCode } from './tag-filter.js';

/**
 * SEND_BATCH_MESSAGE body → stored records, at the byte level (reference §3.6 → §3.1): each
 * batch entry is copied straight from the request into one buffer of V1 records (the store
 * copies that into its ring in one append), its properties scanned once in place for the
 * names the broker acts on, never decoded to strings. Per entry it does what the string path
 * (`prepareEntries` in ../handlers/send-batch-message.ts, kept for reference and tested equal)
 * does: WAIT and CLUSTER pairs dropped (the remaining pairs re-joined with \u0002 when one was
 * dropped), the batch-level properties appended, `CLUSTER=<brokerClusterName>` appended; DELAY > 0
 * or TRAN_MSG=true refuse the batch (MESSAGE_ILLEGAL); the tagsCode is the Java hash of the last
 * valid TAGS value. Offsets, store time and store host stay zero for the store to stamp.
 *
 * Property pieces follow src/protocol/properties.ts: split on \u0002; a pair counts for a
 * lookup when its first \u0001 ends the name and its value is not empty; a pair is dropped when
 * it starts with `WAIT\u0001` or `CLUSTER\u0001`.
 */
export interface BatchRecordFields {
  readonly topic: string;
  readonly queueId: number;
  /** Record sysFlag (born-host kind and MULTI_TAGS already applied). */
  readonly sysFlag: number;
  readonly bornTimestampMs: number;
  /** 8 or 20 bytes, matching sysFlag's BORNHOST_V6 bit. */
  readonly bornHost: Uint8Array;
  readonly reconsumeTimes: number;
  /** Batch-level properties with WAIT and CLUSTER removed (appended to every entry's). */
  readonly batchProperties: string;
  readonly clusterName: string;
}

export type BatchRecords =
  | { readonly kind: 'records'; readonly records: Buffer; readonly tagsCodes: number[]; readonly count: number }
  | { readonly kind: 'illegal'; readonly remark: string };

const SEPARATOR = 2;
const NAME_VALUE = 1;
const NAME_WAIT = Buffer.from(MessageConst.WAIT, 'latin1');
const NAME_CLUSTER = Buffer.from(MessageConst.CLUSTER, 'latin1');
const NAME_TAGS = Buffer.from(MessageConst.TAGS, 'latin1');
const NAME_DELAY = Buffer.from(MessageConst.DELAY, 'latin1');
const NAME_TRAN_MSG = Buffer.from(MessageConst.TRAN_MSG, 'latin1');
const VALUE_TRUE = Buffer.from('true', 'latin1');

/** Bytes at [start, start + name.length) equal `name`. */
function matches(bytes: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let index = 0; index < name.length; index++) if (bytes[start + index] !== name[index]) return false;
  return true;
}

/** The Java String.hashCode of UTF-8 bytes (decoded only when not ASCII). */
function hashOf(bytes: Buffer, start: number, end: number): number {
  let hash = 0;
  for (let position = start; position < end; position++) {
    const byte = bytes[position] as number;
    if (byte >= 0x80) return javaStringHashCode(bytes.toString('utf8', start, end));
    hash = (Math.imul(hash, 31) + byte) | 0;
  }
  return hash;
}

/** What one scan of a properties region found. */
interface Scan {
  /** A pair was dropped: the kept pairs must be re-joined. */
  dropped: boolean;
  tagsStart: number;
  tagsEnd: number;
  /** Of the last valid DELAY / TRAN_MSG pair: 1 when it refuses the batch, 0 when not, -1 none. */
  delay: number;
  transaction: number;
}

function newScan(): Scan {
  return { dropped: false, tagsStart: -1, tagsEnd: -1, delay: -1, transaction: -1 };
}

/** Why the entry (with the batch-level pairs after it: the last pair wins) is refused, or null. */
function refusalOf(scan: Scan, batchScan: Scan): string | null {
  const delay = batchScan.delay >= 0 ? batchScan.delay : scan.delay;
  if (delay === 1) return 'batch message does not support delay message';
  const transaction = batchScan.transaction >= 0 ? batchScan.transaction : scan.transaction;
  return transaction === 1 ? 'batch message does not support transaction' : null;
}

/** First bytes of the names scanPieces acts on: W(AIT), C(LUSTER), T(AGS / RAN_MSG), D(ELAY). */
function actedOn(first: number | undefined): boolean {
  return first === 0x57 || first === 0x43 || first === 0x54 || first === 0x44;
}

/**
 * Scans properties bytes [start, end) for WAIT/CLUSTER (dropped), TAGS, DELAY, TRAN_MSG, in
 * one JS pass (a native indexOf per piece cost more than the bytes of these short texts): a
 * piece whose first byte starts none of those names is only skipped to its separator.
 */
function scanProperties(bytes: Buffer, start: number, end: number, scan: Scan): void {
  let pieceStart = start;
  while (pieceStart < end) {
    let pieceEnd = pieceStart;
    if (!actedOn(bytes[pieceStart])) {
      while (pieceEnd < end && bytes[pieceEnd] !== SEPARATOR) pieceEnd++;
      pieceStart = pieceEnd + 1;
      continue;
    }
    let nameEnd = -1;
    for (; pieceEnd < end; pieceEnd++) {
      const byte = bytes[pieceEnd];
      if (byte === SEPARATOR) break;
      if (byte === NAME_VALUE && nameEnd < 0) nameEnd = pieceEnd;
    }
    if (nameEnd >= 0) scanPair(bytes, pieceStart, nameEnd, pieceEnd, scan);
    pieceStart = pieceEnd + 1;
  }
}

/** One name/value pair (name [pieceStart, nameEnd), value (nameEnd, pieceEnd)). */
function scanPair(bytes: Buffer, pieceStart: number, nameEnd: number, pieceEnd: number, scan: Scan): void {
  if (matches(bytes, pieceStart, nameEnd, NAME_WAIT) || matches(bytes, pieceStart, nameEnd, NAME_CLUSTER)) {
    scan.dropped = true;
    return;
  }
  if (nameEnd === pieceStart || nameEnd >= pieceEnd - 1) return;
  const valueStart = nameEnd + 1;
  if (matches(bytes, pieceStart, nameEnd, NAME_TAGS)) {
    scan.tagsStart = valueStart;
    scan.tagsEnd = pieceEnd;
  } else if (matches(bytes, pieceStart, nameEnd, NAME_DELAY)) {
    scan.delay = Number.parseInt(bytes.toString('utf8', valueStart, pieceEnd), 10) > 0 ? 1 : 0;
  } else if (matches(bytes, pieceStart, nameEnd, NAME_TRAN_MSG)) {
    scan.transaction = matches(bytes, valueStart, pieceEnd, VALUE_TRUE) ? 1 : 0;
  }
}

/** Copies the kept pairs of [start, end) (the scan dropped some), joined by \u0002; returns the end. */
function copyKept(source: Buffer, start: number, end: number, target: Buffer, at: number): number {
  let position = at;
  let pieceStart = start;
  while (pieceStart < end) {
    let pieceEnd = source.indexOf(SEPARATOR, pieceStart);
    if (pieceEnd < 0 || pieceEnd > end) pieceEnd = end;
    let nameEnd = pieceStart;
    while (nameEnd < pieceEnd && source[nameEnd] !== NAME_VALUE) nameEnd++;
    const drop = nameEnd < pieceEnd
      && (matches(source, pieceStart, nameEnd, NAME_WAIT) || matches(source, pieceStart, nameEnd, NAME_CLUSTER));
    if (!drop) {
      if (position > at) target[position++] = SEPARATOR;
      position += source.copy(target, position, pieceStart, pieceEnd);
    }
    pieceStart = pieceEnd + 1;
  }
  return position;
}

/** Batch-level constants of one request: encoded once, appended to every record. */
interface Suffix {
  /** The batch-level properties bytes (may be empty). */
  readonly batch: Buffer;
  /** `CLUSTER\u0001<name>`. */
  readonly cluster: Buffer;
  readonly batchScan: Scan;
}

function suffixOf(fields: BatchRecordFields): Suffix {
  const batch = Buffer.from(fields.batchProperties, 'utf8');
  const batchScan = newScan();
  scanProperties(batch, 0, batch.length, batchScan);
  return { batch, cluster: Buffer.from(`${MessageConst.CLUSTER}\u0001${fields.clusterName}`, 'utf8'), batchScan };
}

/**
 * Checks the entries' framing (as decodeBatch does) and counts them; a remark when malformed.
 * Returns the count, or a string.
 */
export function countBatchEntries(body: Buffer): number | string {
  let count = 0;
  let position = 0;
  while (position < body.length) {
    const available = body.length - position;
    if (available < BATCH_ENTRY_FIXED_BYTES) return `batch body: truncated entry at ${position}`;
    const totalSize = int32At(body, position);
    if (totalSize < BATCH_ENTRY_FIXED_BYTES || totalSize > available) return `batch body: entry size ${totalSize} at ${position} out of range`;
    const bodyBytes = int32At(body, position + 16);
    if (bodyBytes < 0 || bodyBytes > totalSize - BATCH_ENTRY_FIXED_BYTES) return `batch body: body length ${bodyBytes} at ${position} out of range`;
    const propertiesBytes = int16At(body, position + 20 + bodyBytes);
    if (propertiesBytes < 0 || BATCH_ENTRY_FIXED_BYTES + bodyBytes + propertiesBytes !== totalSize) {
      return `batch body: properties length ${propertiesBytes} does not end the entry at ${position}`;
    }
    count++;
    position += totalSize;
  }
  return count;
}

/**
 * The records of one batch are written into this thread's scratch buffer, reused by the next
 * batch: the appender copies them before `append` returns (StoreProducer copies into its ring,
 * ports.ts MessageAppender), so a batch costs no allocation (a 32 KiB batch's records were
 * ~45 KiB of garbage each, a tenth of the I/O thread in GC). Larger batches than this get
 * their own buffer.
 */
const SCRATCH_BYTES_MAX = 4 * 1024 * 1024;
let scratch = Buffer.alloc(0);

function recordsBuffer(bytesMax: number): Buffer {
  if (bytesMax > SCRATCH_BYTES_MAX) return Buffer.allocUnsafe(bytesMax);
  if (scratch.length < bytesMax) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_BYTES_MAX, Math.max(bytesMax, 2 * scratch.length, 64 * 1024)));
  return scratch;
}

/**
 * Encodes the `count` entries of `body` (framing checked by countBatchEntries) as records,
 * into a buffer valid until the next call (see SCRATCH_BYTES_MAX): append it before anything
 * else encodes a batch. Per entry one CRC over a body view and byte copies.
 */
export function encodeBatchRecords(body: Buffer, count: number, fields: BatchRecordFields): BatchRecords {
  const suffix = suffixOf(fields);
  const topicBytes = utf8Length(fields.topic);
  const bodyStart = bodyLengthPosition(fields.sysFlag) + 4;
  assert(fields.bornHost.length === ((fields.sysFlag & SysFlag.BORNHOST_V6) !== 0 ? 20 : 8), 'born host kind must match sysFlag');
  // Per record beyond the entry's body and properties: fixed part, topic, lengths, two separators, the suffix.
  const overheadBytes = bodyStart + 1 + topicBytes + 2 + 2 + suffix.batch.length + suffix.cluster.length;
  const out = recordsBuffer(body.length + count * overheadBytes);
  const outView = new DataView(out.buffer, out.byteOffset, out.length);
  const bodyView = new DataView(body.buffer, body.byteOffset, body.length);
  const head = headTemplate(fields, bodyStart);
  const topicBlock = topicBlockOf(fields.topic, topicBytes);
  const tagsCodes = new Array<number>(count);
  const scan = newScan();
  let position = 0;
  let entryAt = 0;
  for (let index = 0; index < count; index++) {
    const entryBytes = int32At(body, entryAt);
    const bodyBytes = int32At(body, entryAt + 16);
    const entryBodyAt = entryAt + 20;
    const propertiesAt = entryBodyAt + bodyBytes + 2;
    const propertiesEnd = entryAt + entryBytes;
    scan.dropped = false;
    scan.tagsStart = -1;
    scan.delay = -1;
    scan.transaction = -1;
    scanProperties(body, propertiesAt, propertiesEnd, scan);
    const refused = refusalOf(scan, suffix.batchScan);
    if (refused !== null) return { kind: 'illegal', remark: refused };
    const recordAt = position;
    out.set(head, recordAt);
    put32(out, recordAt + RecordPosition.FLAG, int32At(body, entryAt + 12));
    put32(out, recordAt + bodyStart - 4, bodyBytes);
    put32(out, recordAt + RecordPosition.BODY_CRC, bodyCrc(body, entryBodyAt, entryBodyAt + bodyBytes));
    position = copyWords(bodyView, entryBodyAt, entryBodyAt + bodyBytes, outView, recordAt + bodyStart);
    position = copyBytes(topicBlock, 0, topicBlock.length, out, position);
    const propertiesLengthAt = position;
    position += 2;
    const textStart = position;
    position = scan.dropped
      ? copyKept(body, propertiesAt, propertiesEnd, out, position)
      : copyWords(bodyView, propertiesAt, propertiesEnd, outView, position);
    position = appendPairs(out, textStart, position, suffix.batch);
    position = appendPairs(out, textStart, position, suffix.cluster);
    const propertiesBytes = position - textStart;
    if (propertiesBytes > PROPERTIES_BYTES_MAX) return { kind: 'illegal', remark: `the message properties size over max value, MAX: ${PROPERTIES_BYTES_MAX}` };
    put16(out, propertiesLengthAt, propertiesBytes);
    put32(out, recordAt + RecordPosition.TOTAL_SIZE, position - recordAt);
    tagsCodes[index] = tagsCodeOf(body, scan, suffix);
    entryAt += entryBytes;
  }
  return { kind: 'records', records: out.subarray(0, position), tagsCodes, count };
}

/** Appends `pairs` to the text [textStart, end) as appendProperty/joinProperties do. */
function appendPairs(out: Buffer, textStart: number, end: number, pairs: Buffer): number {
  if (pairs.length === 0) return end;
  let position = end;
  if (position > textStart && out[position - 1] !== SEPARATOR) out[position++] = SEPARATOR;
  return copyBytes(pairs, 0, pairs.length, out, position);
}

/**
 * Copies source[start, end) to out at `at` as a JS loop (Buffer.copy's checks and view cost
 * more than the bytes of a short topic or suffix); returns the end position in `out`.
 */
function copyBytes(source: Buffer, start: number, end: number, out: Buffer, at: number): number {
  const length = end - start;
  for (let index = 0; index < length; index++) out[at + index] = source[start + index] as number;
  return at + length;
}

/**
 * Copies [start, end) of one view to another at `at`, four bytes a step (DataView accesses are
 * inlined by the optimizer: no native call or view per copy, unlike Buffer.copy); returns the
 * end position. For bodies and properties of small messages; large bodies copy natively.
 */
function copyWords(source: DataView, start: number, end: number, out: DataView, at: number): number {
  const length = end - start;
  if (length >= WORD_COPY_BYTES_MAX) {
    new Uint8Array(out.buffer, out.byteOffset + at, length).set(new Uint8Array(source.buffer, source.byteOffset + start, length));
    return at + length;
  }
  let index = 0;
  for (; index + 4 <= length; index += 4) out.setInt32(at + index, source.getInt32(start + index));
  for (; index < length; index++) out.setUint8(at + index, source.getUint8(start + index));
  return at + length;
}

/** Copies at least this long go through one native copy. */
const WORD_COPY_BYTES_MAX = 512;

/** The last valid TAGS wins: the batch-level one (appended after the entry's) if it has one. */
function tagsCodeOf(body: Buffer, scan: Scan, suffix: Suffix): number {
  const batchScan = suffix.batchScan;
  if (batchScan.tagsStart >= 0) return hashOf(suffix.batch, batchScan.tagsStart, batchScan.tagsEnd);
  return scan.tagsStart >= 0 ? hashOf(body, scan.tagsStart, scan.tagsEnd) : 0;
}

/**
 * One request's record head (everything before the body) with FLAG, BODYCRC, BODYLEN and
 * TOTALSIZE left zero for each record to fill; store-stamped fields zero. One template per
 * batch, copied per record in one native call.
 */
function headTemplate(fields: BatchRecordFields, bodyStart: number): Buffer {
  const sysFlag = fields.sysFlag;
  const head = Buffer.alloc(bodyStart);
  put32(head, RecordPosition.MAGIC, MESSAGE_MAGIC);
  put32(head, RecordPosition.QUEUE_ID, fields.queueId);
  put32(head, RecordPosition.SYS_FLAG, sysFlag);
  putLong(head, RecordPosition.BORN_TIMESTAMP, fields.bornTimestampMs);
  head.set(fields.bornHost, RecordPosition.BORN_HOST);
  put32(head, bodyLengthPosition(sysFlag) - 12, fields.reconsumeTimes);
  return head;
}

/** TOPICLEN then the topic's bytes, as every record of the batch has them after the body. */
function topicBlockOf(topic: string, topicBytes: number): Buffer {
  const block = Buffer.alloc(1 + topicBytes);
  block[0] = topicBytes;
  writeUtf8(block, topic, 1);
  return block;
}
