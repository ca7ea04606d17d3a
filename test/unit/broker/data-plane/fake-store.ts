import { encodeHost } from '../../../../src/protocol/host-address.js';
import { decodeRecords } from '../../../../src/protocol/record-decode.js';
import { stampRecord } from '../../../../src/protocol/record.js';
import type { GetMessagesQuery, GetMessagesResult, MessageAppender, MessageReader, QueryByKeyResult } from '../../../../src/broker/data-plane/ports.js';
import type { AppendCallback, AppendSubmitStatus, GetMessageStatus } from '../../../../src/store/types.js';

/**
 * An in-memory stand-in for the store's append and read sides, used by the data-plane unit
 * tests: it stamps offsets into the records it is given, keeps consume queues in arrays and
 * follows RocketMQ's pull-offset rules (reference §5.8). `nextSubmit` / `nextResult` force the
 * outcomes the tests need (busy, not-writable, flush-disk-timeout).
 */
interface QueueEntry { physicalOffset: number; sizeBytes: number; tagsCode: number }

export class FakeStore implements MessageAppender, MessageReader {
  readonly appended: Buffer[] = [];
  readonly tagsCodesSeen: number[] = [];
  nextSubmit: AppendSubmitStatus = 'queued';
  nextResult: 'ok' | 'flush-disk-timeout' | 'not-writable' = 'ok';
  private readonly records = new Map<number, Buffer>();
  private readonly queues = new Map<string, QueueEntry[]>();
  private physicalEnd = 0;
  private readonly listeners = new Set<() => void>();
  private readonly storeHost = encodeHost('127.0.0.1:10911');

  append(records: Uint8Array, tagsCodes: number | readonly number[], done: AppendCallback): AppendSubmitStatus {
    if (this.nextSubmit !== 'queued') return this.nextSubmit;
    const status = this.nextResult;
    const buffer = Buffer.from(records);
    const decoded = decodeRecords(buffer);
    const codes = typeof tagsCodes === 'number' ? decoded.map(() => tagsCodes) : tagsCodes;
    const physicalOffsets: number[] = [];
    let firstQueueOffset = 0;
    decoded.forEach((record, index) => {
      const queue = this.queueOf(record.topic, record.queueId);
      if (index === 0) firstQueueOffset = queue.length;
      const physicalOffset = this.physicalEnd;
      stampRecord(buffer, record.position, {
        queueOffset: queue.length, physicalOffset, storeTimestampMs: Date.now(), storeHost: this.storeHost,
      });
      const bytes = Buffer.from(buffer.subarray(record.position, record.position + record.totalSize));
      this.records.set(physicalOffset, bytes);
      this.appended.push(bytes);
      const tagsCode = codes[index] ?? 0;
      this.tagsCodesSeen.push(tagsCode);
      queue.push({ physicalOffset, sizeBytes: record.totalSize, tagsCode });
      physicalOffsets.push(physicalOffset);
      this.physicalEnd += record.totalSize;
    });
    queueMicrotask(() => {
      done({
        status, physicalOffset: physicalOffsets[0] ?? 0, queueOffset: firstQueueOffset,
        recordCount: decoded.length, storeTimestampMs: Date.now(), physicalOffsets,
      });
      for (const listener of this.listeners) listener();
    });
    return 'queued';
  }

  async getMessages(query: GetMessagesQuery): Promise<GetMessagesResult> {
    const queue = this.queues.get(`${query.topic}@${query.queueId}`) ?? [];
    const maxOffset = queue.length;
    const empty = (status: GetMessageStatus, nextBeginOffset: number): GetMessagesResult => ({
      status, body: null, messageCount: 0, nextBeginOffset, minOffset: 0, maxOffset,
    });
    if (maxOffset === 0) return empty('NO_MESSAGE_IN_QUEUE', 0);
    if (query.queueOffset === maxOffset) return empty('OFFSET_OVERFLOW_ONE', query.queueOffset);
    if (query.queueOffset > maxOffset) return empty('OFFSET_OVERFLOW_BADLY', maxOffset);
    if (query.queueOffset < 0) return empty('OFFSET_TOO_SMALL', 0);
    const found: Buffer[] = [];
    let scanned = query.queueOffset;
    for (; scanned < maxOffset && found.length < query.maxCount; scanned++) {
      const entry = queue[scanned];
      if (entry === undefined) break;
      if (query.tagCodes !== null && !query.tagCodes.includes(entry.tagsCode)) continue;
      found.push(this.records.get(entry.physicalOffset) as Buffer);
    }
    if (found.length === 0) return empty('NO_MATCHED_MESSAGE', scanned);
    return {
      status: 'FOUND', body: Buffer.concat(found), messageCount: found.length, nextBeginOffset: scanned,
      minOffset: 0, maxOffset,
    };
  }

  async readRecord(physicalOffset: number): Promise<Buffer | null> {
    return this.records.get(physicalOffset) ?? null;
  }

  async queryByKey(topic: string, key: string, maxCount: number): Promise<QueryByKeyResult> {
    const hits = [...this.records.values()].filter((bytes) => {
      const [record] = decodeRecords(bytes);
      return record !== undefined && record.topic === topic
        && (record.keys.includes(key) || record.properties['UNIQ_KEY'] === key);
    }).slice(0, maxCount);
    return {
      body: hits.length === 0 ? null : Buffer.concat(hits), messageCount: hits.length,
      indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: this.physicalEnd,
    };
  }

  async offsetByTimestamp(): Promise<number> {
    return 0;
  }

  async earliestStoreTime(topic: string, queueId: number): Promise<number> {
    return this.queueOf(topic, queueId).length === 0 ? 0 : 1;
  }

  minOffset(): number {
    return 0;
  }

  maxOffset(topic: string, queueId: number): number {
    return this.queues.get(`${topic}@${queueId}`)?.length ?? 0;
  }

  onMaxOffsetChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private queueOf(topic: string, queueId: number): QueueEntry[] {
    const key = `${topic}@${queueId}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(key, queue);
    }
    return queue;
  }
}
