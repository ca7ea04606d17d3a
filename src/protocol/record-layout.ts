import { assert } from '../common/assert.js';

/**
 * The V1 message record (reference §3.1), the same bytes in commit-log segments, pull bodies,
 * query bodies and the HA stream. All integers big-endian. Positions below assume IPv4 born and
 * store hosts; an IPv6 host (SYSFLAG 0x10 born, 0x20 store) is 20 bytes instead of 8 and shifts
 * every later field by 12.
 *
 *   @0  TOTALSIZE i32      @4  MAGICCODE i32     @8  BODYCRC i32 (crc32 & 0x7fffffff)
 *   @12 QUEUEID i32        @16 FLAG i32          @20 QUEUEOFFSET i64   @28 PHYSICALOFFSET i64
 *   @36 SYSFLAG i32        @40 BORNTIMESTAMP i64 @48 BORNHOST 8|20     @56 STORETIMESTAMP i64
 *   @64 STOREHOST 8|20     @72 RECONSUMETIMES i32 @76 PREPAREDTXOFFSET i64
 *   @84 BODYLEN i32 | BODY | TOPICLEN u8 | TOPIC | PROPERTIESLEN i16 | PROPERTIES
 */
export const RecordPosition = {
  TOTAL_SIZE: 0,
  MAGIC: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const;

/** Magic of a message record: 0xDAA320A7 as a signed int. */
export const MESSAGE_MAGIC = -626843481;
/** Magic of the blank record that fills a segment's tail: 0xCBD43194 as a signed int. */
export const BLANK_MAGIC = -875286124;
/** A blank (end-of-segment) record is TOTALSIZE + MAGIC. */
export const BLANK_RECORD_BYTES = 8;

export const HOST_V4_BYTES = 8;
export const HOST_V6_BYTES = 20;

/** Fixed bytes of a record with IPv4 hosts, excluding body, topic and properties contents. */
export const RECORD_FIXED_BYTES_V4 = 91;

export const SysFlag = {
  COMPRESSED: 0x1,
  MULTI_TAGS: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  TRANSACTION_MASK: 0xc,
  BORNHOST_V6: 0x10,
  STOREHOST_V6: 0x20,
  COMPRESSION_TYPE_MASK: 0x700,
  COMPRESSION_ZLIB: 0x300,
} as const;

/** Position of STORETIMESTAMP given the record's sysFlag. */
export function storeTimestampPosition(sysFlag: number): number {
  return RecordPosition.BORN_HOST + bornHostBytes(sysFlag);
}

/** Position of STOREHOST given the record's sysFlag. */
export function storeHostPosition(sysFlag: number): number {
  return storeTimestampPosition(sysFlag) + 8;
}

/** Position of RECONSUMETIMES given the record's sysFlag. */
export function reconsumeTimesPosition(sysFlag: number): number {
  return storeHostPosition(sysFlag) + storeHostBytes(sysFlag);
}

/** Position of BODYLEN given the record's sysFlag. */
export function bodyLengthPosition(sysFlag: number): number {
  return reconsumeTimesPosition(sysFlag) + 4 + 8;
}

export function bornHostBytes(sysFlag: number): number {
  return (sysFlag & SysFlag.BORNHOST_V6) !== 0 ? HOST_V6_BYTES : HOST_V4_BYTES;
}

export function storeHostBytes(sysFlag: number): number {
  return (sysFlag & SysFlag.STOREHOST_V6) !== 0 ? HOST_V6_BYTES : HOST_V4_BYTES;
}

/** Total record bytes for the given content sizes and host kinds. */
export function recordBytes(bodyBytes: number, topicBytes: number, propertiesBytes: number, sysFlag = 0): number {
  return RECORD_FIXED_BYTES_V4
    + (bornHostBytes(sysFlag) - HOST_V4_BYTES)
    + (storeHostBytes(sysFlag) - HOST_V4_BYTES)
    + bodyBytes + topicBytes + propertiesBytes;
}

assert(bodyLengthPosition(0) === 84, 'record layout: BODYLEN must be at 84 with IPv4 hosts');
assert(storeTimestampPosition(0) === 56, 'record layout: STORETIMESTAMP must be at 56');
assert(RECORD_FIXED_BYTES_V4 === 84 + 4 + 1 + 2, 'record layout: fixed bytes');
assert(bodyLengthPosition(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6) === 84 + 24, 'IPv6 hosts add 24');
