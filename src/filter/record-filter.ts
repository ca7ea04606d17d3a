import { assert } from '../common/assert.js';
import { bodyLengthPosition, RecordPosition } from '../protocol/record-layout.js';
import { type CompiledFilter, compileSql92, type CompileSql92Result } from './sql92.js';

/**
 * SQL92 on stored records, for the broker's read path (a dispatch worker, or the main thread
 * without I/O threads): only the PROPERTIES string of each record is decoded (never the body),
 * and a subscription's expression is compiled once per thread through a bounded cache.
 */

/**
 * Compiled filters kept per thread. Expressions come from subscriptions, so a broker sees few
 * distinct ones; 256 covers many groups while keeping a hostile client that sends a new
 * expression per pull from growing memory without bound.
 */
export const SQL92_CACHE_ENTRIES_MAX = 256;

const cache = new Map<string, CompileSql92Result>();

/** compileSql92 with a per-thread LRU cache (refusals are cached too: they are as costly). */
export function compileSql92Cached(expression: string): CompileSql92Result {
  const cached = cache.get(expression);
  if (cached !== undefined) {
    cache.delete(expression);
    cache.set(expression, cached);
    return cached;
  }
  const result = compileSql92(expression);
  if (cache.size >= SQL92_CACHE_ENTRIES_MAX) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(expression, result);
  assert(cache.size <= SQL92_CACHE_ENTRIES_MAX, 'SQL92 cache over its bound');
  return result;
}

/**
 * The PROPERTIES string of the V1 record at `position` (reference §3.1): BODYLEN, BODY,
 * TOPICLEN (u8), TOPIC, PROPERTIESLEN (i16), PROPERTIES; host sizes come from SYSFLAG.
 */
export function recordPropertiesText(record: Buffer, position = 0): string {
  const totalBytes = record.readInt32BE(position + RecordPosition.TOTAL_SIZE);
  const sysFlag = record.readInt32BE(position + RecordPosition.SYS_FLAG);
  const bodyLengthAt = position + bodyLengthPosition(sysFlag);
  const topicLengthAt = bodyLengthAt + 4 + record.readInt32BE(bodyLengthAt);
  const propertiesLengthAt = topicLengthAt + 1 + record.readUInt8(topicLengthAt);
  const propertiesBytes = record.readInt16BE(propertiesLengthAt);
  const start = propertiesLengthAt + 2;
  assert(propertiesBytes >= 0, 'record properties length is negative');
  assert(start + propertiesBytes <= position + totalBytes, 'record properties run past the record');
  return propertiesBytes === 0 ? '' : record.toString('utf8', start, start + propertiesBytes);
}

/** A `matchRecord` for the store's MessageFilter: true when the record's properties match. */
export function sql92RecordMatcher(filter: CompiledFilter): (record: Buffer) => boolean {
  return (record) => filter.matchesPropertiesText(recordPropertiesText(record));
}
