/**
 * The store's public types: what the broker's threads see of the store. Everything here is
 * plain data (structured-cloneable) or a callback type; the classes live in producer.ts,
 * reader.ts and store.ts.
 */

/** Final outcome of one append (RocketMQ's PutMessageStatus, reduced to what Petrel can answer). */
export type AppendStatus = 'ok' | 'flush-disk-timeout' | 'busy' | 'not-writable' | 'too-large';

/**
 * What `StoreProducer.append` returns at once. Only 'queued' leads to a callback later; the
 * others are final and no callback runs (no Zalgo: a callback never runs synchronously).
 * 'busy' is retriable (full ring, too many appends in flight, store too far behind).
 */
export type AppendSubmitStatus = 'queued' | 'busy' | 'not-writable' | 'too-large';

/** Delivered to the append callback. 'flush-disk-timeout' still means stored (RocketMQ semantics). */
export interface AppendResult {
  readonly status: 'ok' | 'flush-disk-timeout' | 'not-writable';
  /** Commit-log offset of the first record (0 when not written). */
  readonly physicalOffset: number;
  /** Queue offset of the first record; record i has queueOffset + i. 0 for PREPARED/ROLLBACK. */
  readonly queueOffset: number;
  readonly recordCount: number;
  /** STORETIMESTAMP stamped into the records. */
  readonly storeTimestampMs: number;
  /** Commit-log offset of every record, in order (records of one append are contiguous). */
  readonly physicalOffsets: readonly number[];
}

export type AppendCallback = (result: AppendResult) => void;

/** RocketMQ's GetMessageStatus (reference §5.8): the pull outcome the broker maps to a code. */
export const GetMessageStatus = {
  FOUND: 'FOUND',
  NO_MATCHED_MESSAGE: 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING: 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL: 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY: 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE: 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL: 'OFFSET_TOO_SMALL',
  NO_MESSAGE_IN_QUEUE: 'NO_MESSAGE_IN_QUEUE',
} as const;
export type GetMessageStatus = (typeof GetMessageStatus)[keyof typeof GetMessageStatus];

/**
 * Optional pull filter. `matchTagsCode` runs on the consume-queue entry before the record is
 * read (tag filters); `matchRecord` runs on the record bytes (SQL92 on properties). Both must
 * accept for the record to be returned.
 */
export interface MessageFilter {
  matchTagsCode?(tagsCode: number): boolean;
  matchRecord?(record: Buffer): boolean;
}

export interface GetMessagesResult {
  readonly status: GetMessageStatus;
  /** Whole records back to back, exactly as stored (empty unless FOUND). */
  readonly body: Buffer;
  readonly messageCount: number;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
}

export interface QueryByKeyResult {
  /** Matching records back to back (newest first, as RocketMQ's index walk yields them). */
  readonly body: Buffer;
  readonly messageCount: number;
  readonly physicalOffsets: readonly number[];
  readonly indexLastUpdateTimestamp: number;
  readonly indexLastUpdatePhyoffset: number;
}

/** Named health flags (STYLE §7), read from shared memory. */
export interface StoreHealth {
  readonly writable: boolean;
  readonly diskFull: boolean;
  readonly ioError: boolean;
  readonly closing: boolean;
}

export interface StoreStats {
  readonly putMessageCount: number;
  readonly putBytes: number;
  /** Messages per second since the previous `stats()` call (0 on the first). */
  readonly putTps: number;
  readonly minPhysicalOffset: number;
  readonly maxPhysicalOffset: number;
  readonly flushedPhysicalOffset: number;
}

/** One topic queue the store knows, for admin listings. */
export interface QueueInfo {
  readonly topic: string;
  readonly queueId: number;
  readonly minOffset: number;
  readonly maxOffset: number;
}
