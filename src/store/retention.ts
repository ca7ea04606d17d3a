import { join } from 'node:path';
import type { Logger } from '../common/log.js';
import type { StoreLayout } from './config.js';
import { CQ_ENTRY_BYTES, entryPhysicalOffset } from './consume-queue.js';
import { type FileIo, listOffsetFiles, offsetFileName, readFully } from './file-io.js';
import { listIndexFiles, readIndexHeader } from './index-file.js';
import { correctQueueMins } from './recovery.js';
import { Big, Health } from './shared-state.js';
import type { StoreWriter } from './writer.js';

/**
 * Retention (RocketMQ's CleanCommitLogService, reduced): every 10 s the store worker checks
 * whether it is a `deleteWhen` hour or the disk is fuller than `diskMaxUsedSpaceRatio`; if so,
 * commit-log segments older than `fileReservedTime` are deleted oldest first (never the segment
 * being written). Above 85 % disk use the oldest segment goes even if not expired; above 90 % the
 * store refuses writes (DISK_FULL) until space comes back. MIN_PHYSICAL is published before any
 * file is deleted; consume-queue files wholly below it follow, and queue min offsets are
 * corrected. Index files whose last entry is below it are deleted too.
 */
const CHECK_INTERVAL_MS = 10_000;
const FORCE_CLEAN_RATIO = 0.85;
const WRITE_REFUSE_RATIO = 0.9;

export class RetentionTimer {
  private nextCheckMs: number;
  forced = false;

  constructor(private readonly layout: StoreLayout, nowMs: number) {
    this.nextCheckMs = nowMs + CHECK_INTERVAL_MS;
  }

  due(nowMs: number, io: FileIo): boolean {
    if (nowMs < this.nextCheckMs) return false;
    this.nextCheckMs = nowMs + CHECK_INTERVAL_MS;
    const hour = new Date(nowMs).getHours();
    const usedRatio = io.usedRatio(this.layout.commitLogDir);
    this.forced = usedRatio > FORCE_CLEAN_RATIO;
    return this.layout.deleteHours.includes(hour) || usedRatio > this.layout.diskMaxUsedRatio;
  }
}

export interface RetentionResult {
  deletedSegments: number[];
  minPhysicalOffset: number;
}

export function runRetention(writer: StoreWriter, logger: Logger, nowMs: number, forced = false): RetentionResult {
  const { io, layout, shared } = writer;
  updateDiskFull(writer);
  const segments = writer.commitLog.segments();
  const deletable = segments.slice(0, -1);
  const expired: number[] = [];
  for (const base of deletable) {
    const expiredByAge = io.modifiedMs(writer.commitLog.path(base)) + layout.fileReservedMs <= nowMs;
    if (!expiredByAge && !(forced && expired.length === 0)) break;
    expired.push(base);
  }
  if (expired.length === 0) return { deletedSegments: [], minPhysicalOffset: shared.load(Big.MIN_PHYSICAL) };
  const minPhysicalOffset = (expired[expired.length - 1] as number) + layout.segmentBytes;
  shared.store(Big.MIN_PHYSICAL, minPhysicalOffset);
  for (const base of expired) writer.commitLog.deleteSegment(base);
  deleteQueueFiles(writer, minPhysicalOffset);
  correctQueueMins(writer, minPhysicalOffset);
  deleteIndexFiles(io, layout, writer.index?.fileName ?? '', minPhysicalOffset);
  logger.info({ deleted: expired.length, minPhysicalOffset }, 'expired commit-log segments deleted');
  return { deletedSegments: expired, minPhysicalOffset };
}

function updateDiskFull(writer: StoreWriter): void {
  const usedRatio = writer.io.usedRatio(writer.layout.commitLogDir);
  if (usedRatio > WRITE_REFUSE_RATIO) {
    writer.shared.setHealth(Health.DISK_FULL);
  } else if ((writer.shared.health() & Health.NOT_WRITABLE) === 0) {
    writer.shared.clearHealth(Health.DISK_FULL);
  }
}

/** Deletes consume-queue files (never a queue's last) whose last entry is below the minimum. */
function deleteQueueFiles(writer: StoreWriter, minPhysicalOffset: number): void {
  const { io, layout } = writer;
  const entry = Buffer.alloc(CQ_ENTRY_BYTES);
  for (const state of writer.allQueues()) {
    const starts = listOffsetFiles(io, state.dir);
    for (const start of starts.slice(0, -1)) {
      const path = join(state.dir, offsetFileName(start));
      const fd = io.open(path, 'r');
      let lastPhysical: number;
      try {
        const read = readFully(io, fd, entry, 0, CQ_ENTRY_BYTES, layout.cqFileBytes - CQ_ENTRY_BYTES);
        lastPhysical = read === CQ_ENTRY_BYTES ? entryPhysicalOffset(entry, 0) : 0;
      } finally {
        io.close(fd);
      }
      if (lastPhysical >= minPhysicalOffset) break;
      writer.cqFds.forget(path);
      io.unlink(path);
    }
  }
}

function deleteIndexFiles(io: FileIo, layout: StoreLayout, currentName: string, minPhysicalOffset: number): void {
  for (const name of listIndexFiles(io, layout.indexDir)) {
    if (name === currentName) continue;
    const path = join(layout.indexDir, name);
    const fd = io.open(path, 'r');
    let endPhyOffset: number;
    try {
      endPhyOffset = readIndexHeader(io, fd)?.endPhyOffset ?? 0;
    } finally {
      io.close(fd);
    }
    if (endPhyOffset < minPhysicalOffset) io.unlink(path);
  }
}
