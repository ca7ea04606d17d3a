// Proves the PoolReader's shared body slots end to end through a real piscina worker: a pull
// whose worker assembled the body in the slot named by the task comes back as a view of the
// pool's shared memory with the worker's bytes; a pull answered with a body of its own (did not
// fit) comes back as that body and gives its slot back at once; a slot held by a body is free
// again once the transport reports the body written. How: a tiny worker module that writes a
// marker into its slot or answers with its own buffer, depending on the queue id.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { GetMessagesQuery } from '../../../../src/broker/data-plane/ports.js';
import type { StoreReaderLike } from '../../../../src/broker/data-plane/store-reader-port.js';
import { PoolReader } from '../../../../src/broker/io/dispatch-pool.js';
import { written } from '../../../../src/remoting/write-hooks.js';

const directory = mkdtempSync(join(tmpdir(), 'pool-reader-slots-'));
const workerFile = join(directory, 'slot.worker.mjs');
// The worker module lives in a tmp dir, so it names piscina by its resolved location.
const piscinaUrl = pathToFileURL(join(process.cwd(), 'node_modules/piscina/dist/esm-wrapper.mjs')).href;
writeFileSync(workerFile, `import { workerData } from '${piscinaUrl}';
export default function (task) {
  const answer = { status: 'FOUND', messageCount: 1, nextBeginOffset: 1, minOffset: 0, maxOffset: 5000 };
  if (task.queueId === 0 && task.bodySlot >= 0) {
    const { bodySlots, bodySlotBytes } = workerData;
    new Uint8Array(bodySlots, task.bodySlot * bodySlotBytes, 3).set([task.bodySlot, 7, 8]);
    return { ...answer, body: null, slotBodyBytes: 3 };
  }
  return { ...answer, body: new Uint8Array([1, 2, 3, 4]), slotBodyBytes: -1 };
}\n`);

const local: StoreReaderLike = {
  getMessages: () => { throw new Error('not read locally'); },
  readRecord: () => null,
  queryByKey: () => ({ body: Buffer.alloc(0), messageCount: 0, physicalOffsets: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 }),
  offsetByTimestamp: () => 0,
  earliestStoreTime: () => -1,
  minOffset: () => 0,
  maxOffset: () => 5000,
  changeSequence: () => 0,
  waitForChange: async () => false,
};

const SLOTS = 2;
const reader = new PoolReader(local, null, 1, pathToFileURL(workerFile), SLOTS);

afterAll(async () => {
  await reader.close();
  rmSync(directory, { recursive: true, force: true });
});

function query(queueId: number): GetMessagesQuery {
  return { topic: 'T', queueId, queueOffset: 0, maxCount: 32, tagCodes: null };
}

describe('PoolReader body slots', () => {
  it('returns a slot body as a view of shared memory and frees the slot when written', async () => {
    const first = await reader.getMessages(query(0));
    const second = await reader.getMessages(query(0));
    expect(first.body?.buffer).toBe(reader.slots.memory);
    expect(second.body?.buffer).toBe(reader.slots.memory);
    const slotsUsed = [first.body?.[0], second.body?.[0]].sort();
    expect(slotsUsed).toEqual([0, 1]);
    expect([...(first.body ?? [])].slice(1)).toEqual([7, 8]);
    expect(reader.slots.freeCount).toBe(0);
    const third = await reader.getMessages(query(1));
    expect(reader.slots.exhaustedCount).toBe(1);
    expect([...(third.body ?? [])]).toEqual([1, 2, 3, 4]);
    written(first.body);
    written(second.body);
    expect(reader.slots.freeCount).toBe(SLOTS);
  });

  it('gives the slot back at once when the body came back on its own', async () => {
    const result = await reader.getMessages(query(1));
    expect(result.body?.buffer).not.toBe(reader.slots.memory);
    expect([...(result.body ?? [])]).toEqual([1, 2, 3, 4]);
    expect(reader.slots.freeCount).toBe(SLOTS);
  });
});
