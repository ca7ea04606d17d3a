import type { MessageProperties } from '../protocol/properties.js';
import type { MessageExt } from '../protocol/record-decode.js';

/**
 * What the control plane needs from the store, and nothing more: admin reads (offsets, store
 * times), one message by its commit-log offset (CONSUMER_SEND_MSG_BACK), the schedule queue
 * (delay scheduler), and appends of its own (retries, DLQ, scheduled redeliveries).
 * `store-adapter.ts` implements it over `src/store`; unit tests use an in-memory fake.
 * Every method may be served from another thread, hence the promises.
 */
export interface StoreFacade {
  /** First retained queue offset (0 for an unknown queue). */
  minOffset(topic: string, queueId: number): number;
  /** Next queue offset to be written (0 for an unknown queue). */
  maxOffset(topic: string, queueId: number): number;
  /**
   * Java's checkInDiskByConsumeOffset: true when the message at `queueOffset` exists and is so
   * far behind the commit-log tail that it is no longer in memory. False for a missing entry.
   */
  isOnDisk(topic: string, queueId: number, queueOffset: number): Promise<boolean>;
  /** STORETIMESTAMP of the message at `queueOffset`, or 0 when there is none. */
  storeTimestamp(topic: string, queueId: number, queueOffset: number): Promise<number>;
  /** Queue offset whose store time is nearest `timestampMs` (reference §2.4), 0 if empty. */
  searchOffsetByTimestamp(topic: string, queueId: number, timestampMs: number): Promise<number>;
  /** The message stored at `physicalOffset`, or null when there is none (or it is gone). */
  readMessage(physicalOffset: number): Promise<StoredMessage | null>;
  /**
   * The messages from `fromQueueOffset` on whose consume-queue tagsCode passes `isDue`, stopping
   * at the first one that does not (or after `countMax`): a contiguous prefix of the queue. The
   * delay scheduler reads `SCHEDULE_TOPIC_XXXX` with it (tagsCode = due time).
   */
  readDuePrefix(
    topic: string, queueId: number, fromQueueOffset: number, countMax: number, isDue: (tagsCode: number) => boolean,
  ): Promise<StoredMessage[]>;
  /** Appends one message built by the control plane. */
  append(message: MessageToAppend): Promise<AppendOutcome>;
  /** Drops a topic's consume queues (DELETE_TOPIC_IN_BROKER). */
  deleteTopic(topic: string): Promise<void>;
  /** Numbers for GET_BROKER_RUNTIME_INFO. */
  runtimeStats(): StoreRuntimeStats;
}

/** A decoded stored record (reference §3.1): the protocol's MessageExt fields the control plane reads. */
export type StoredMessage = Pick<MessageExt,
  | 'topic' | 'queueId' | 'flag' | 'body' | 'properties' | 'sysFlag' | 'bornTimestampMs' | 'bornHost'
  | 'storeTimestampMs' | 'storeHost' | 'reconsumeTimes' | 'physicalOffset' | 'queueOffset' | 'preparedTransactionOffset'>;

export interface MessageToAppend {
  topic: string;
  queueId: number;
  body: Buffer;
  flag: number;
  properties: MessageProperties;
  sysFlag: number;
  bornTimestampMs: number;
  bornHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Consume-queue tagsCode to write instead of the TAGS hash (the schedule topic's due time). */
  tagsCodeOverride?: number;
}

export type AppendOutcome =
  | { status: 'ok'; physicalOffset: number; queueOffset: number; storeTimestampMs: number }
  | { status: 'busy' | 'not-writable' | 'too-large' };

export interface StoreRuntimeStats {
  bootTimestampMs: number;
  putMessageCount: number;
  putBytes: number;
  putTps: number;
  minPhysicalOffset: number;
  maxPhysicalOffset: number;
  flushedPhysicalOffset: number;
}
