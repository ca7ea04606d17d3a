// Proves the committer thread (src/store/committer.ts: transientStorePoolEnable with ASYNC_FLUSH in
// tail mode, the commit-log pwrite off the store worker): the threaded store (dist workers) with 64 KiB segments and a
// 256 KiB tail cache appends records of varying sizes across many segment ends (blanks) and tail
// wraps; when an append's callback runs, its bytes are already in the segment file (read with a
// plain fs read, not the store's reader), every record reads back byte-identical through the
// reader while open and from the files after a clean restart, and every segment's bytes after its
// end-of-segment blank are zeros (the committer writes the tail cache's zero-filled gap).
import { closeSync, mkdtempSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/log.js';
import { BLANK_MAGIC, RecordPosition, bodyLengthPosition } from '../../src/protocol/record-layout.js';
import { deriveStoreLayout, testMinStoreConfig } from '../../src/store/config.js';
import { StoreProducer } from '../../src/store/producer.js';
import { readI64 } from '../../src/store/record-access.js';
import { openStore } from '../../src/store/store.js';
import type { AppendResult } from '../../src/store/types.js';
import { usesCommitter } from '../../src/store/writer.js';
import { bodyOf, buildRecord } from '../unit/store/record-builder.js';

const SEGMENT_BYTES = 64 * 1024;
const BODY_LENGTH_AT = bodyLengthPosition(0);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileBytes(commitLogDir: string, physicalOffset: number, length: number): Buffer {
  const base = physicalOffset - (physicalOffset % SEGMENT_BYTES);
  const fd = openSync(join(commitLogDir, String(base).padStart(20, '0')), 'r');
  try {
    const target = Buffer.alloc(length);
    expect(readSync(fd, target, 0, length, physicalOffset - base)).toBe(length);
    return target;
  } finally {
    closeSync(fd);
  }
}

describe('store committer thread (ASYNC_FLUSH, tail mode)', () => {
  it('acknowledges only written bytes, keeps every record across segment ends, tail wraps and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petrel-committer-'));
    dirs.push(dir);
    const config = testMinStoreConfig(dir, {
      flushDiskType: 'ASYNC_FLUSH', mappedFileSizeCommitLog: SEGMENT_BYTES, storeTailCacheBytes: 256 * 1024,
      transientStorePoolEnable: true,
    });
    const layout = deriveStoreLayout(config);
    expect(usesCommitter(layout)).toBe(true);
    const store = await openStore(config, silentLogger, { logDir: dir });
    const producer = new StoreProducer(store.createProducerPort());
    const sent: Buffer[] = [];
    const results: AppendResult[] = [];
    let acknowledgedInFile = 0;
    const total = 3000;
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      const submit = (): void => {
        while (next < total && producer.pendingCount < 64) {
          const id = next;
          const record = buildRecord({ topic: 'C', queueId: id % 3, body: bodyOf(id, 50 + ((id * 97) % 3000)), keys: `k${id}` });
          const status = producer.append(record, 0, (result) => {
            try {
              expect(result.status).toBe('ok');
              // ASYNC_FLUSH answers after the page-cache write: the bytes are in the file now.
              if (fileBytes(layout.commitLogDir, result.physicalOffset, record.length).readInt32BE(0) === record.length) acknowledgedInFile++;
              results[id] = result;
              if (results.filter((r) => r !== undefined).length === total) resolve();
              else submit();
            } catch (error) {
              reject(error as Error);
            }
          });
          if (status !== 'queued') {
            setTimeout(submit, 1);
            return;
          }
          sent[id] = record;
          next++;
        }
      };
      submit();
    });
    expect(acknowledgedInFile).toBe(total);
    const check = (reader: typeof store.reader): void => {
      for (let id = 0; id < total; id++) {
        const stored = reader.readRecord((results[id] as AppendResult).physicalOffset);
        const record = sent[id] as Buffer;
        expect(stored?.length).toBe(record.length);
        // Stamping fills offsets, store time and host; from BODYLEN on the bytes are as sent.
        expect((stored as Buffer).subarray(BODY_LENGTH_AT).equals(record.subarray(BODY_LENGTH_AT))).toBe(true);
        expect(readI64(stored as Buffer, RecordPosition.PHYSICAL_OFFSET)).toBe((results[id] as AppendResult).physicalOffset);
      }
    };
    check(store.reader);
    expect(store.stats().maxPhysicalOffset).toBeGreaterThan(4 * 256 * 1024); // the tail cache wrapped
    await store.close();
    const segments = readdirSync(layout.commitLogDir).filter((name) => /^\d{20}$/.test(name));
    expect(segments.length).toBeGreaterThan(8);
    for (const name of segments.slice(0, -1)) assertZerosAfterBlank(join(layout.commitLogDir, name));
    const reopened = await openStore(config, silentLogger, { logDir: dir });
    try {
      check(reopened.reader);
      expect(reopened.maxOffset('C', 0)).toBe(total / 3);
    } finally {
      await reopened.close();
    }
  }, 30_000);
});

/** Walks a full segment's records to its blank; everything after the blank's 8 bytes is zero. */
function assertZerosAfterBlank(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(SEGMENT_BYTES);
    readSync(fd, bytes, 0, SEGMENT_BYTES, 0);
    let position = 0;
    while (bytes.readInt32BE(position + 4) !== BLANK_MAGIC) {
      const size = bytes.readInt32BE(position);
      expect(size).toBeGreaterThan(0);
      position += size;
    }
    expect(bytes.readInt32BE(position)).toBe(SEGMENT_BYTES - position);
    expect(bytes.subarray(position + 8).every((byte) => byte === 0)).toBe(true);
  } finally {
    closeSync(fd);
  }
}
