import { crc32 } from 'node:zlib';
import { type FileIo, readFully, writeFully } from './file-io.js';
import { readI64, writeI64 } from './record-access.js';

/**
 * The `checkpoint` file: 4096 bytes, RocketMQ's three timestamps first (reference §3.7) so
 * RocketMQ tooling reads it, then Petrel's offsets, then a CRC of bytes 0..63:
 *
 *   @0  physicMsgTimestamp i64   store time of the newest flushed commit-log record
 *   @8  logicsMsgTimestamp i64   store time covered by flushed consume queues
 *   @16 indexMsgTimestamp i64    store time covered by flushed index files
 *   @24 flushedPhysicalOffset i64  commit-log bytes known durable
 *   @32 logicsPhysicalOffset i64   commit-log offset below which consume queues are durable
 *   @40 indexPhysicalOffset i64    commit-log offset below which index files are durable
 *   @48 commitLogEndOffset i64     exact end of the commit log (valid when clean = 1)
 *   @56 clean i32                  1 only when written by a clean shutdown
 *   @64 crc32(bytes 0..63) i32
 *
 * Written by the flusher (periodically, clean = 0) and by the store worker at close (clean = 1),
 * never both at once. A torn or missing checkpoint makes recovery scan the whole commit log.
 */
export const CHECKPOINT_BYTES = 4096;
const CRC_POSITION = 64;

export interface Checkpoint {
  physicMsgTimestamp: number;
  logicsMsgTimestamp: number;
  indexMsgTimestamp: number;
  flushedPhysicalOffset: number;
  logicsPhysicalOffset: number;
  indexPhysicalOffset: number;
  commitLogEndOffset: number;
  clean: boolean;
}

export function emptyCheckpoint(): Checkpoint {
  return {
    physicMsgTimestamp: 0,
    logicsMsgTimestamp: 0,
    indexMsgTimestamp: 0,
    flushedPhysicalOffset: 0,
    logicsPhysicalOffset: 0,
    indexPhysicalOffset: 0,
    commitLogEndOffset: 0,
    clean: false,
  };
}

export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  const bytes = Buffer.alloc(CHECKPOINT_BYTES);
  writeI64(bytes, 0, checkpoint.physicMsgTimestamp);
  writeI64(bytes, 8, checkpoint.logicsMsgTimestamp);
  writeI64(bytes, 16, checkpoint.indexMsgTimestamp);
  writeI64(bytes, 24, checkpoint.flushedPhysicalOffset);
  writeI64(bytes, 32, checkpoint.logicsPhysicalOffset);
  writeI64(bytes, 40, checkpoint.indexPhysicalOffset);
  writeI64(bytes, 48, checkpoint.commitLogEndOffset);
  bytes.writeInt32BE(checkpoint.clean ? 1 : 0, 56);
  bytes.writeInt32BE(crc32(bytes.subarray(0, CRC_POSITION)) | 0, CRC_POSITION);
  return bytes;
}

/** The decoded checkpoint, or null when absent or torn (CRC mismatch). */
export function decodeCheckpoint(bytes: Buffer): Checkpoint | null {
  if (bytes.length < CHECKPOINT_BYTES) return null;
  if ((crc32(bytes.subarray(0, CRC_POSITION)) | 0) !== bytes.readInt32BE(CRC_POSITION)) return null;
  return {
    physicMsgTimestamp: readI64(bytes, 0),
    logicsMsgTimestamp: readI64(bytes, 8),
    indexMsgTimestamp: readI64(bytes, 16),
    flushedPhysicalOffset: readI64(bytes, 24),
    logicsPhysicalOffset: readI64(bytes, 32),
    indexPhysicalOffset: readI64(bytes, 40),
    commitLogEndOffset: readI64(bytes, 48),
    clean: bytes.readInt32BE(56) === 1,
  };
}

export function readCheckpoint(io: FileIo, path: string): Checkpoint | null {
  if (!io.exists(path)) return null;
  const fd = io.open(path, 'r');
  try {
    const bytes = Buffer.alloc(CHECKPOINT_BYTES);
    const read = readFully(io, fd, bytes, 0, CHECKPOINT_BYTES, 0);
    return read === CHECKPOINT_BYTES ? decodeCheckpoint(bytes) : null;
  } finally {
    io.close(fd);
  }
}

/** One positional 4 KiB write plus fdatasync: a page-sized write is not torn in practice, and the CRC catches it if it is. */
export function writeCheckpoint(io: FileIo, path: string, checkpoint: Checkpoint): void {
  const fd = io.open(path, io.exists(path) ? 'r+' : 'w+');
  try {
    const bytes = encodeCheckpoint(checkpoint);
    writeFully(io, fd, bytes, 0, bytes.length, 0);
    io.fdatasync(fd);
  } finally {
    io.close(fd);
  }
}
