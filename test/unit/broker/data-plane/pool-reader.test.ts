// Proves which reader serves a pull in an I/O thread's PoolReader: a pull within
// PULL_DIRECT_ENTRIES_MAX entries of its queue's end (or past it) is answered by the thread's own
// store reader, a pull further behind and any SQL92 pull by the dispatch pool. How: the pool runs
// a tiny worker module that answers with a marker offset, the local reader is a stub that answers
// with another, and each query's nextBeginOffset says who served it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PULL_DIRECT_ENTRIES_MAX } from '../../../../src/broker/data-plane/bounds.js';
import type { GetMessagesQuery } from '../../../../src/broker/data-plane/ports.js';
import type { StoreReaderLike } from '../../../../src/broker/data-plane/store-reader-port.js';
import { PoolReader } from '../../../../src/broker/io/dispatch-pool.js';

const POOL_MARK = -111;
const LOCAL_MARK = -222;
const QUEUE_END = 1000;

const directory = mkdtempSync(join(tmpdir(), 'pool-reader-'));
const workerFile = join(directory, 'marker.worker.mjs');
writeFileSync(workerFile, `export default function () {
  return { status: 'FOUND', body: null, messageCount: 0, nextBeginOffset: ${POOL_MARK}, minOffset: 0, maxOffset: 0 };
}\n`);

const local: StoreReaderLike = {
  getMessages: () => ({
    status: 'OFFSET_OVERFLOW_ONE', body: Buffer.alloc(0), messageCount: 0, nextBeginOffset: LOCAL_MARK, minOffset: 0, maxOffset: QUEUE_END,
  }),
  readRecord: () => null,
  queryByKey: () => ({ body: Buffer.alloc(0), messageCount: 0, physicalOffsets: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 }),
  offsetByTimestamp: () => 0,
  earliestStoreTime: () => -1,
  minOffset: () => 0,
  maxOffset: () => QUEUE_END,
  changeSequence: () => 0,
  waitForChange: async () => false,
};

const reader = new PoolReader(local, null, 1, pathToFileURL(workerFile));

afterAll(async () => {
  await reader.close();
  rmSync(directory, { recursive: true, force: true });
});

function query(queueOffset: number, sql92Expression?: string): GetMessagesQuery {
  return { topic: 'T', queueId: 0, queueOffset, maxCount: 32, tagCodes: null, sql92Expression };
}

describe('PoolReader', () => {
  it('reads near the queue end on the thread, further back in the pool', async () => {
    expect((await reader.getMessages(query(QUEUE_END))).nextBeginOffset).toBe(LOCAL_MARK);
    expect((await reader.getMessages(query(QUEUE_END + 5))).nextBeginOffset).toBe(LOCAL_MARK);
    expect((await reader.getMessages(query(QUEUE_END - PULL_DIRECT_ENTRIES_MAX))).nextBeginOffset).toBe(LOCAL_MARK);
    expect((await reader.getMessages(query(QUEUE_END - PULL_DIRECT_ENTRIES_MAX - 1))).nextBeginOffset).toBe(POOL_MARK);
    expect((await reader.getMessages(query(0))).nextBeginOffset).toBe(POOL_MARK);
  });

  it('sends SQL92 pulls to the pool even at the queue end', async () => {
    expect((await reader.getMessages(query(QUEUE_END, 'a > 1'))).nextBeginOffset).toBe(POOL_MARK);
  });
});
