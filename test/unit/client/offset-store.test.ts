// Proves the offset stores: the remote store answers from memory first, maps query failures
// to OFFSET_ERROR, never lowers an offset with increaseOnly, and commits only the wanted queues;
// the local file store round-trips through a real file in a tmp dir in the fastjson object-key
// form Java writes, and reads the Java form back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import type { MessageQueue } from '../../../src/client/message-queue.js';
import {
  LocalFileOffsetStore, OFFSET_ERROR, OFFSET_NONE, ReadOffsetType, RemoteBrokerOffsetStore,
} from '../../../src/client/offset-store.js';

const q0: MessageQueue = { topic: 'T', brokerName: 'b', queueId: 0 };
const q1: MessageQueue = { topic: 'T', brokerName: 'b', queueId: 1 };

describe('RemoteBrokerOffsetStore', () => {
  it('reads memory first, then the broker, and commits wanted queues', async () => {
    const commits: string[] = [];
    let fail = false;
    const store = new RemoteBrokerOffsetStore({
      queryOffset: async (queue) => {
        if (fail) throw new Error('down');
        return queue.queueId === 0 ? 42 : OFFSET_NONE;
      },
      commitOffset: async (queue, queueOffset) => {
        commits.push(`${queue.queueId}=${queueOffset}`);
      },
    }, silentLogger);
    expect(await store.readOffset(q0, ReadOffsetType.MEMORY_FIRST_THEN_STORE)).toBe(42);
    expect(await store.readOffset(q1, ReadOffsetType.STORE)).toBe(OFFSET_NONE);
    store.updateOffset(q0, 40, true);
    expect(store.memoryOffset(q0)).toBe(42);
    store.updateOffset(q0, 50, true);
    store.updateOffset(q1, 3, false);
    await store.persistAll([q0]);
    expect(commits).toEqual(['0=50']);
    fail = true;
    expect(await store.readOffset(q1, ReadOffsetType.STORE)).toBe(OFFSET_ERROR);
  });
});

describe('LocalFileOffsetStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('persists and reloads offsets in the Java file form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petrel-offsets-'));
    dirs.push(dir);
    const file = join(dir, 'c', 'g', 'offsets.json');
    const store = new LocalFileOffsetStore(file, silentLogger);
    await store.load();
    store.updateOffset(q0, 7, false);
    store.updateOffset(q1, 9, false);
    await store.persistAll([q0, q1]);
    expect(readFileSync(file, 'utf8')).toBe(
      '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:7,{"brokerName":"b","queueId":1,"topic":"T"}:9}}',
    );
    const again = new LocalFileOffsetStore(file, silentLogger);
    await again.load();
    expect(await again.readOffset(q1, ReadOffsetType.MEMORY)).toBe(9);
  });

  it('reads the standard-JSON string-key form too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'petrel-offsets-'));
    dirs.push(dir);
    const file = join(dir, 'offsets.json');
    writeFileSync(file, JSON.stringify({ offsetTable: { '{"brokerName":"b","queueId":0,"topic":"T"}': 11 } }));
    const store = new LocalFileOffsetStore(file, silentLogger);
    await store.load();
    expect(store.memoryOffset(q0)).toBe(11);
  });
});
