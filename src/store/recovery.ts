import { join } from 'node:path';
import type { Logger } from '../common/log.js';
import { RecordPosition } from '../protocol/record-layout.js';
import { type Checkpoint, readCheckpoint } from './checkpoint.js';
import { FdCache, readCommitLog } from './commit-log.js';
import {
  CQ_ENTRY_BYTES, entryPhysicalOffset, entrySize, loadQueueBounds, truncateQueue,
} from './consume-queue.js';
import { listOffsetFiles } from './file-io.js';
import { listIndexFiles } from './index-file.js';
import { isTransactionSkipped, readI64, scanRecord, tagsCodeOfRecord, indexKeysOf } from './record-access.js';
import { Big } from './shared-state.js';
import type { QueueState, StoreWriter } from './writer.js';

/**
 * Start-up recovery, run by the store worker before it accepts appends.
 *
 * - Consume queues are loaded from their files (last entry found by binary search).
 * - Clean start (no `abort`, checkpoint written by a clean close): the commit log ends where
 *   the checkpoint says.
 * - Crash start (`abort` present, or no clean checkpoint): the commit log is scanned from the
 *   last point the checkpoint proves durable (the minimum of its flushed / consume-queue / index
 *   offsets; the first segment without a checkpoint), verifying every record (magic, sizes,
 *   stamped physical offset, body CRC). Consume-queue entries and index keys of every scanned
 *   record are written again: they are derived data (the commit log is the truth). The first
 *   bad record ends the log.
 * - Either way the tail after the end is zeroed (and later segments deleted), consume-queue
 *   entries pointing at or past the end are cut, and queue min offsets follow the first segment.
 */
export interface RecoveryReport {
  abnormal: boolean;
  endPhysicalOffset: number;
  minPhysicalOffset: number;
  scannedRecords: number;
  corruptReason: string | null;
}

export function recoverStore(writer: StoreWriter, logger: Logger, nowMs: number): RecoveryReport {
  const { layout, io } = writer;
  for (const dir of [layout.rootDir, layout.commitLogDir, layout.consumeQueueDir, layout.indexDir, layout.configDir]) {
    io.mkdir(dir);
  }
  const checkpoint = readCheckpoint(io, layout.checkpointPath);
  const abnormal = io.exists(layout.abortPath) || checkpoint === null || !checkpoint.clean;
  loadQueues(writer);
  openIndex(writer, nowMs);
  const segments = writer.commitLog.segments();
  const minPhysicalOffset = segments[0] ?? 0;
  let report: RecoveryReport;
  if (segments.length === 0) {
    report = { abnormal, endPhysicalOffset: 0, minPhysicalOffset: 0, scannedRecords: 0, corruptReason: null };
  } else if (!abnormal && checkpoint !== null) {
    report = { abnormal, endPhysicalOffset: checkpoint.commitLogEndOffset, minPhysicalOffset, scannedRecords: 0, corruptReason: null };
  } else {
    report = scanAndRedispatch(writer, checkpoint, minPhysicalOffset);
  }
  writer.commitLog.cutTail(report.endPhysicalOffset);
  cutQueues(writer, report.endPhysicalOffset);
  writer.setEnd(report.endPhysicalOffset);
  writer.shared.store(Big.MIN_PHYSICAL, minPhysicalOffset);
  writer.shared.store(Big.FLUSHED_PHYSICAL, report.endPhysicalOffset);
  correctQueueMins(writer, minPhysicalOffset);
  writer.publishIndexState();
  logger.info({ ...report, queues: writer.allQueues().length }, 'store recovered');
  return report;
}

function loadQueues(writer: StoreWriter): void {
  const { io, layout, geometry } = writer;
  for (const topic of io.list(layout.consumeQueueDir)) {
    for (const queueName of io.list(join(layout.consumeQueueDir, topic))) {
      const queueId = Number(queueName);
      if (!Number.isInteger(queueId) || queueId < 0) continue;
      const bounds = loadQueueBounds(io, geometry, join(layout.consumeQueueDir, topic, queueName));
      if (bounds === null) continue;
      writer.loadQueue(topic, queueId, bounds.firstFileOffset, bounds.maxQueueOffset);
    }
  }
}

function openIndex(writer: StoreWriter, nowMs: number): void {
  if (writer.index === null) return;
  const names = listIndexFiles(writer.io, writer.layout.indexDir);
  const last = names[names.length - 1] ?? null;
  writer.index.open(last, nowMs);
  if (writer.index.isFull()) writer.index.roll(nowMs);
}

function scanStart(checkpoint: Checkpoint | null, minPhysicalOffset: number, writer: StoreWriter): number {
  if (checkpoint === null) return minPhysicalOffset;
  let start = Math.min(checkpoint.flushedPhysicalOffset, checkpoint.logicsPhysicalOffset);
  if (writer.index !== null) start = Math.min(start, checkpoint.indexPhysicalOffset);
  return Math.max(start, minPhysicalOffset);
}

function scanAndRedispatch(writer: StoreWriter, checkpoint: Checkpoint | null, minPhysicalOffset: number): RecoveryReport {
  const { layout, io } = writer;
  const fds = new FdCache(io, 4);
  const chunk = Buffer.alloc(layout.batchBufferBytes);
  // Records after the last one the index file holds are indexed again (-1: it holds none).
  const indexedUpTo = writer.index === null ? Infinity : writer.index.indexCount > 1 ? writer.index.endPhyOffset : -1;
  let physicalOffset = scanStart(checkpoint, minPhysicalOffset, writer);
  let scannedRecords = 0;
  let corruptReason: string | null = null;
  try {
    outer: for (;;) {
      const segmentEnd = physicalOffset - (physicalOffset % layout.segmentBytes) + layout.segmentBytes;
      const length = Math.min(chunk.length, segmentEnd - physicalOffset);
      const read = readCommitLog(io, fds, layout.commitLogDir, layout.segmentBytes, physicalOffset, chunk, 0, length);
      const moreInSegment = read === length && physicalOffset + length < segmentEnd;
      let position = 0;
      for (;;) {
        const result = scanRecord(chunk, position, read - position, physicalOffset + position, layout.checkCrcOnRecover);
        if (result.kind === 'record') {
          redispatchRecord(writer, chunk, position, physicalOffset + position, indexedUpTo);
          scannedRecords++;
          position += result.fields.totalBytes;
          continue;
        }
        if (result.kind === 'blank') {
          physicalOffset = segmentEnd;
          continue outer;
        }
        physicalOffset += position;
        if (moreInSegment && position > 0 && isPartial(chunk, position, read)) continue outer;
        if (result.kind === 'corrupt') corruptReason = result.reason;
        break outer;
      }
    }
  } finally {
    fds.closeAll();
  }
  writer.finishRedispatch();
  return { abnormal: true, endPhysicalOffset: physicalOffset, minPhysicalOffset, scannedRecords, corruptReason };
}

/** A record cut by the chunk end (not by the file): read again from its start. */
function isPartial(chunk: Buffer, position: number, read: number): boolean {
  if (read - position < 8) return true;
  const totalBytes = chunk.readInt32BE(position);
  return totalBytes > read - position && totalBytes <= chunk.length;
}

function redispatchRecord(writer: StoreWriter, chunk: Buffer, position: number, physicalOffset: number, indexedUpTo: number): void {
  const size = chunk.readInt32BE(position);
  const fields = scanRecord(chunk, position, size, physicalOffset, false);
  if (fields.kind !== 'record') return;
  const topic = chunk.toString('utf8', fields.fields.topicStart, fields.fields.topicEnd);
  const state = writer.queue(topic, fields.fields.queueId);
  if (state === null) return;
  if (!isTransactionSkipped(fields.fields.sysFlag)) {
    const queueOffset = readI64(chunk, position + RecordPosition.QUEUE_OFFSET);
    const tagsCode = tagsCodeOfRecord(chunk, position, fields.fields, writer.layout.delayLevelsMs);
    writer.redispatch(state, queueOffset, physicalOffset, size, tagsCode);
  }
  if (physicalOffset > indexedUpTo && (fields.fields.sysFlag & 0xc) !== 0xc) {
    const properties = chunk.toString('utf8', fields.fields.propertiesStart, fields.fields.propertiesEnd);
    const sysFlagTime = readI64(chunk, position + storeTimestampAt(fields.fields.sysFlag));
    writer.putIndexKeys(state.hashPrefix, indexKeysOf(properties), physicalOffset, sysFlagTime);
  }
}

function storeTimestampAt(sysFlag: number): number {
  return RecordPosition.BORN_HOST + ((sysFlag & 0x10) !== 0 ? 20 : 8);
}

/** Drops consume-queue entries whose records are at or past the commit-log end. */
function cutQueues(writer: StoreWriter, endPhysicalOffset: number): void {
  const { io, geometry, cqFds } = writer;
  const fds = new FdCache(io, 4);
  const entry = Buffer.alloc(CQ_ENTRY_BYTES);
  try {
    for (const state of writer.allQueues()) {
      let maxQueueOffset = state.nextQueueOffset;
      while (maxQueueOffset > state.minQueueOffset) {
        const read = geometry.readEntries(io, fds, state.dir, maxQueueOffset - 1, 1, entry);
        if (read === 1 && entrySize(entry, 0) > 0 && entryPhysicalOffset(entry, 0) + entrySize(entry, 0) <= endPhysicalOffset) break;
        maxQueueOffset--;
      }
      if (maxQueueOffset === state.nextQueueOffset) continue;
      fds.closeAll();
      truncateQueue(io, geometry, cqFds, state.dir, maxQueueOffset);
      cqFds.forgetUnder(state.dir);
      state.nextQueueOffset = maxQueueOffset;
      writer.shared.publishQueue(state.slot, maxQueueOffset);
    }
  } finally {
    fds.closeAll();
  }
}

/** A queue's min offset is its first entry whose record is still in the commit log. */
export function correctQueueMins(writer: StoreWriter, minPhysicalOffset: number): void {
  const fds = new FdCache(writer.io, 4);
  const entries = Buffer.alloc(CQ_ENTRY_BYTES * 1024);
  try {
    for (const state of writer.allQueues()) correctQueueMin(writer, state, minPhysicalOffset, fds, entries);
  } finally {
    fds.closeAll();
  }
}

function correctQueueMin(writer: StoreWriter, state: QueueState, minPhysicalOffset: number, fds: FdCache, entries: Buffer): void {
  const firstFileStart = listOffsetFiles(writer.io, state.dir)[0];
  let queueOffset = Math.max(state.minQueueOffset, firstFileStart === undefined ? 0 : firstFileStart / CQ_ENTRY_BYTES);
  while (queueOffset < state.nextQueueOffset) {
    const count = writer.geometry.readEntries(writer.io, fds, state.dir, queueOffset, Math.min(1024, state.nextQueueOffset - queueOffset), entries);
    if (count === 0) break;
    let i = 0;
    while (i < count && entryPhysicalOffset(entries, i * CQ_ENTRY_BYTES) < minPhysicalOffset) i++;
    queueOffset += i;
    if (i < count) break;
  }
  state.minQueueOffset = queueOffset;
  writer.shared.publishQueueMin(state.slot, queueOffset);
}
