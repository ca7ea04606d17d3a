import { totalmem } from 'node:os';
import { isPetrelError } from '../common/errors.js';
import { MessageConst } from '../protocol/message-const.js';
import { encodeRecord } from '../protocol/record.js';
import { decodeRecord, decodeRecords } from '../protocol/record-decode.js';
import type { MessageAppender } from './data-plane/ports.js';
import type { StoreReaderLike } from './data-plane/store-reader-port.js';
import { javaStringHashCode } from './data-plane/tag-filter.js';
import type { StoreStats } from '../store/types.js';
import type {
  AppendOutcome, MessageToAppend, StoreFacade, StoreRuntimeStats, StoredMessage,
} from './store-facade.js';

/** The admin side of the store handle the adapter uses (src/store/README.md `StoreHandle`). */
export interface StoreAdminLike {
  stats(): StoreStats;
  deleteTopic(topic: string): Promise<void>;
}

/**
 * RocketMQ's accessMessageInMemoryMaxRatio: a message more than 40 % of physical RAM behind the
 * commit-log tail counts as "on disk" (reference §2.4).
 */
const IN_MEMORY_RATIO = 0.4;
/** One scheduler read never assembles more than this. */
const DUE_PREFIX_BYTES_MAX = 4 * 1024 * 1024;
/** Enough to hold one record of any size for single-record reads. */
const ONE_RECORD_BYTES_MAX = 16 * 1024 * 1024;

/**
 * StoreFacade over the real store (src/store): reads through a StoreReader on the main thread,
 * appends through the main thread's StoreProducer, and admin calls through the StoreHandle.
 * Records are encoded and decoded with src/protocol's record codec.
 */
export class StoreAdapter implements StoreFacade {
  private readonly memoryBytes = totalmem();

  constructor(
    private readonly reader: StoreReaderLike,
    private readonly appender: MessageAppender,
    private readonly admin: StoreAdminLike,
    private readonly bootTimestampMs: number,
  ) {}

  minOffset(topic: string, queueId: number): number {
    return this.reader.minOffset(topic, queueId);
  }

  maxOffset(topic: string, queueId: number): number {
    return this.reader.maxOffset(topic, queueId);
  }

  async isOnDisk(topic: string, queueId: number, queueOffset: number): Promise<boolean> {
    const record = this.recordAt(topic, queueId, queueOffset);
    if (record === null) return false;
    const behindBytes = this.admin.stats().maxPhysicalOffset - record.physicalOffset;
    return behindBytes > this.memoryBytes * IN_MEMORY_RATIO;
  }

  async storeTimestamp(topic: string, queueId: number, queueOffset: number): Promise<number> {
    return this.recordAt(topic, queueId, queueOffset)?.storeTimestampMs ?? 0;
  }

  async searchOffsetByTimestamp(topic: string, queueId: number, timestampMs: number): Promise<number> {
    return this.reader.offsetByTimestamp(topic, queueId, timestampMs);
  }

  async readMessage(physicalOffset: number): Promise<StoredMessage | null> {
    try {
      const bytes = this.reader.readRecord(physicalOffset);
      return bytes === null ? null : decodeRecord(bytes).toMessageExt();
    } catch (error) {
      if (isPetrelError(error)) return null;
      throw error;
    }
  }

  async readDuePrefix(
    topic: string, queueId: number, fromQueueOffset: number, countMax: number, isDue: (tagsCode: number) => boolean,
  ): Promise<StoredMessage[]> {
    let blocked = false;
    const filter = {
      matchTagsCode: (tagsCode: number): boolean => {
        if (!blocked && isDue(tagsCode)) return true;
        blocked = true;
        return false;
      },
    };
    const result = this.reader.getMessages(topic, queueId, fromQueueOffset, countMax, DUE_PREFIX_BYTES_MAX, filter);
    if (result.messageCount === 0) return [];
    return decodeRecords(result.body).map((record) => record.toMessageExt());
  }

  append(message: MessageToAppend): Promise<AppendOutcome> {
    let bytes: Buffer;
    try {
      bytes = encodeRecord({
        topic: message.topic, body: message.body, properties: message.properties, queueId: message.queueId,
        flag: message.flag, sysFlag: message.sysFlag, bornTimestampMs: message.bornTimestampMs,
        bornHost: message.bornHost, reconsumeTimes: message.reconsumeTimes,
        preparedTransactionOffset: message.preparedTransactionOffset,
      });
    } catch (error) {
      if (isPetrelError(error)) return Promise.resolve({ status: 'too-large' });
      throw error;
    }
    const tags = message.properties[MessageConst.TAGS];
    const tagsCode = message.tagsCodeOverride ?? (tags === undefined || tags === '' ? 0 : javaStringHashCode(tags));
    return new Promise((resolve) => {
      const submitted = this.appender.append(bytes, tagsCode, (result) => {
        if (result.status === 'not-writable') resolve({ status: 'not-writable' });
        else resolve({ status: 'ok', physicalOffset: result.physicalOffset, queueOffset: result.queueOffset, storeTimestampMs: result.storeTimestampMs });
      });
      if (submitted !== 'queued') resolve({ status: submitted });
    });
  }

  deleteTopic(topic: string): Promise<void> {
    return this.admin.deleteTopic(topic);
  }

  runtimeStats(): StoreRuntimeStats {
    const stats = this.admin.stats();
    return {
      bootTimestampMs: this.bootTimestampMs, putMessageCount: stats.putMessageCount, putBytes: stats.putBytes,
      putTps: stats.putTps, minPhysicalOffset: stats.minPhysicalOffset, maxPhysicalOffset: stats.maxPhysicalOffset,
      flushedPhysicalOffset: stats.flushedPhysicalOffset,
    };
  }

  private recordAt(topic: string, queueId: number, queueOffset: number): StoredMessage | null {
    if (queueOffset < this.reader.minOffset(topic, queueId) || queueOffset >= this.reader.maxOffset(topic, queueId)) return null;
    const result = this.reader.getMessages(topic, queueId, queueOffset, 1, ONE_RECORD_BYTES_MAX);
    if (result.messageCount === 0) return null;
    return decodeRecord(result.body).toMessageExt();
  }
}
