import type { AppendCallback, AppendSubmitStatus, GetMessageStatus } from '../../store/types.js';

/**
 * What the data plane needs from the rest of the broker, as small interfaces so the same
 * handlers run on the main thread (single-thread path, tests) and in I/O worker threads
 * (where each port is backed by SAB rings, a piscina pool or postMessage to the main thread).
 */

/** One topic as the data plane sees it: the control plane's snapshot entry (structured-cloneable). */
export interface TopicView {
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  readonly perm: number;
  readonly topicSysFlag: number;
  readonly topicFilterType?: string;
  readonly order?: boolean;
}

/** One subscription group as the data plane sees it. */
export interface GroupView {
  readonly consumeEnable?: boolean;
  readonly consumeBroadcastEnable?: boolean;
  readonly retryMaxTimes?: number;
  readonly retryQueueNums?: number;
}

/** The read-mostly tables the main thread pushes to every I/O thread on change. */
export interface TopicTables {
  topic(name: string): TopicView | undefined;
  group(name: string): GroupView | undefined;
}

/**
 * The store's write side: exactly `StoreProducer` (src/store/README.md), so a producer built
 * from a ProducerPort is passed as is. `records` are encoded V1 records back to back for one
 * (topic, queueId); `tagsCodes` one per record (tag hash, or the due time for
 * SCHEDULE_TOPIC_XXXX). 'queued' means `done` runs later; anything else is final, no callback.
 */
export interface MessageAppender {
  append(records: Uint8Array, tagsCodes: number | readonly number[], done: AppendCallback): AppendSubmitStatus;
}

export interface GetMessagesQuery {
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly maxCount: number;
  /** Body bytes at most (at least one whole record); absent: PULL_BODY_BYTES_MAX. */
  readonly maxBytes?: number | undefined;
  /** Tag hash codes to keep; null keeps every message. */
  readonly tagCodes: readonly number[] | null;
  /**
   * A SQL92 expression each record's properties must match (src/filter), already compiled
   * successfully by the pull handler; absent = no SQL92 filter.
   */
  readonly sql92Expression?: string | undefined;
}

export interface GetMessagesResult {
  readonly status: GetMessageStatus;
  /** Whole records back to back (FOUND only), exactly as stored. */
  readonly body: Buffer | null;
  readonly messageCount: number;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
}

export interface QueryByKeyResult {
  readonly body: Buffer | null;
  readonly messageCount: number;
  readonly indexLastUpdateTimestamp: number;
  readonly indexLastUpdatePhyoffset: number;
}

/**
 * The store's read side. The heavy reads are asynchronous (a dispatch pool serves them); the
 * offsets come from shared memory and are synchronous.
 */
export interface MessageReader {
  getMessages(query: GetMessagesQuery): Promise<GetMessagesResult>;
  /** The exact bytes of the record at `physicalOffset`, or null if there is none. */
  readRecord(physicalOffset: number): Promise<Buffer | null>;
  queryByKey(topic: string, key: string, maxCount: number, beginMs: number, endMs: number): Promise<QueryByKeyResult>;
  offsetByTimestamp(topic: string, queueId: number, timestampMs: number): Promise<number>;
  earliestStoreTime(topic: string, queueId: number): Promise<number>;
  minOffset(topic: string, queueId: number): number;
  maxOffset(topic: string, queueId: number): number;
  /** Calls `listener` (coalesced) after any queue's max offset moved; returns an unsubscribe. */
  onMaxOffsetChange(listener: () => void): () => void;
}

/** A subscription registered by a consumer's heartbeat. */
export interface RegisteredSubscription {
  readonly subString: string;
  readonly subVersion: number;
  readonly expressionType: string;
}

/**
 * What the data plane asks of the control plane (main thread). In I/O threads each call is a
 * typed postMessage round trip; on the main thread it calls the control plane directly.
 */
export interface ControlPort {
  /** TBW102 auto-creation on send; null when the default topic does not allow it. */
  createTopicFromDefault(
    topic: string, defaultTopic: string, queueNums: number, topicSysFlag: number, clientAddress: string,
  ): Promise<TopicView | null>;
  /** `%RETRY%<group>` / `%DLQ%<group>` created on demand with `queueNums` queues and `perm`. */
  createSystemTopic(topic: string, queueNums: number, perm: number): Promise<TopicView | null>;
  /** The pull's piggy-backed commit offset (fire and forget; negative offsets are ignored there). */
  commitOffset(clientAddress: string, group: string, topic: string, queueId: number, queueOffset: number): void;
  /** The subscription a consumer registered by heartbeat, for pulls without the subscription bit. */
  findSubscription(group: string, topic: string): Promise<RegisteredSubscription | null>;
}
