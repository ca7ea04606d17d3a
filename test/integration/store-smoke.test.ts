// Smoke: opens the threaded store (dist workers), appends through a producer port, reads back
// through the reader, closes and reopens cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/log.js';
import { testMinStoreConfig } from '../../src/store/config.js';
import { StoreProducer } from '../../src/store/producer.js';
import { openStore } from '../../src/store/store.js';
import type { AppendResult } from '../../src/store/types.js';
import { bodyOf, buildRecord } from '../unit/store/record-builder.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('store smoke', () => {
  it('appends, reads back, survives a clean restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petrel-store-'));
    dirs.push(dir);
    const config = testMinStoreConfig(dir, { flushDiskType: 'SYNC_FLUSH' });
    const store = await openStore(config, silentLogger, { logDir: dir });
    const producer = new StoreProducer(store.createProducerPort());
    const results: AppendResult[] = [];
    const records: Buffer[] = [];
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 100; i++) {
        const record = buildRecord({ topic: 'T', queueId: i % 2, body: bodyOf(i, 100), keys: `k${i}` });
        records.push(record);
        const status = producer.append(record, 0, (result) => {
          // SYNC_FLUSH contract: an acknowledged record is covered by a finished fdatasync.
          expect(store.stats().flushedPhysicalOffset).toBeGreaterThanOrEqual(result.physicalOffset + record.length);
          results.push(result);
          if (results.length === 100) resolve();
        });
        expect(status).toBe('queued');
      }
    });
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(store.maxOffset('T', 0)).toBe(50);
    const got = store.reader.getMessages('T', 0, 0, 32, 1 << 20);
    expect(got.status).toBe('FOUND');
    expect(got.messageCount).toBe(32);
    const one = store.reader.readRecord(results[5]!.physicalOffset);
    expect(one).not.toBeNull();
    const byKey = store.reader.queryByKey('T', 'k7', 10, 0, Date.now() + 1000);
    expect(byKey.messageCount).toBe(1);
    expect(store.stats().putMessageCount).toBe(100);
    expect(store.queues('T').map((queue) => [queue.queueId, queue.maxOffset])).toEqual([[0, 50], [1, 50]]);
    // Long polling: a waiter on the change sequence wakes when an append is published.
    const seen = store.reader.changeSequence();
    const versionBefore = store.reader.queueVersion('Other', 0);
    const woke = store.reader.waitForChange(seen, 5000);
    producer.append(buildRecord({ topic: 'Other', queueId: 0, body: bodyOf(1, 10) }), 0, () => undefined);
    expect(await woke).toBe(true);
    expect(store.reader.queueVersion('Other', 0)).not.toBe(versionBefore);
    expect(await store.reader.waitForChange(store.reader.changeSequence(), 20)).toBe(false);
    await store.deleteTopic('Other');
    expect(store.maxOffset('Other', 0)).toBe(0);
    expect(store.queues('Other')).toEqual([]);
    await store.close();
    const again = await openStore(config, silentLogger, { logDir: dir });
    expect(again.recovery.abnormal).toBe(false);
    expect(again.maxOffset('T', 1)).toBe(50);
    expect(again.reader.readRecord(results[99]!.physicalOffset)?.subarray(88, 188)).toEqual(bodyOf(99, 100));
    await again.close();
  });
});
