import { assert } from '../../common/assert.js';
import { type RecordFields, encodeRecord, recordBytesFor } from '../../protocol/record.js';

/**
 * One message as the send path hands it to the store: the V1 record fields (src/protocol/record.ts)
 * minus what the store stamps (queue offset, physical offset, store timestamp, store host), with
 * the born host pre-encoded (8 bytes IPv4, 20 with SysFlag.BORNHOST_V6).
 */
export type OutgoingRecord = RecordFields & { readonly properties: string; readonly bornHost: Buffer };

/**
 * Encodes records back to back into one buffer allocated once: the bytes the store copies into
 * its ring. The body CRC is computed here; the store-stamped fields are left zero.
 */
export function encodeOutgoingRecords(records: readonly OutgoingRecord[]): Buffer {
  if (records.length === 1) return encodeRecord(records[0] as OutgoingRecord);
  let totalBytes = 0;
  for (const record of records) totalBytes += recordBytesFor(record);
  const target = Buffer.alloc(totalBytes);
  let position = 0;
  for (const record of records) position += encodeRecord(record, target, position);
  assert(position === totalBytes, 'encoded bytes must match the computed size');
  return target;
}
