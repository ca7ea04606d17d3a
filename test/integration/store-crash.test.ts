// Crash test: a real child process (dist/bench/store/crash-child.js) appends with SYNC_FLUSH and
// prints every acknowledged append; the test SIGKILLs it mid-stream many times, then recovers the
// store and checks that every acknowledged record reads back byte-identical (body, queue offset)
// and that every record any queue serves is whole and one the child really sent (nothing torn).
// Rounds cycle the child's write mode: batch buffer, tail cache (see StoreWriter.tailMode), and
// ASYNC_FLUSH with the tail cache, without and with the committer thread (transientStorePoolEnable:
// committer.ts does the commit-log writes); an ASYNC_FLUSH append is acknowledged once its bytes
// reached the page cache, which a SIGKILL keeps;
// acknowledged records are also found by their UNIQ_KEY (odd ids were hashed by the producer).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/common/clock.js';
import { silentLogger } from '../../src/common/log.js';
import { RecordPosition } from '../../src/protocol/record-layout.js';
import { testMinStoreConfig } from '../../src/store/config.js';
import { StoreEngine } from '../../src/store/engine.js';
import { StoreReader } from '../../src/store/reader.js';
import { readI64, recordFields } from '../../src/store/record-access.js';
import { CRASH_QUEUES, crashBody } from '../../bench/store/crash-child.js';

const CHILD = join(import.meta.dirname, '../../dist/bench/store/crash-child.js');
const ROUNDS = Number(process.env.SOAK === '1' ? 60 : 10);
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'petrel-crash-'));
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Ack { id: number; physicalOffset: number; queueOffset: number }

function runChild(firstId: number, ackTarget: number, tailCacheBytes: number, flushDiskType: string, committer: boolean): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const args = [CHILD, dir, String(firstId), dir, String(tailCacheBytes), flushDiskType, committer ? 'committer' : 'inline'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const acks: Ack[] = [];
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [id, physicalOffset, queueOffset] = line.split(' ').map(Number);
        if (line === 'ready' || id === undefined || physicalOffset === undefined || queueOffset === undefined) continue;
        acks.push({ id, physicalOffset, queueOffset });
      }
      if (acks.length >= ackTarget && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
}

function idOf(record: Buffer): number {
  const fields = recordFields(record, 0, record.length);
  expect(fields).not.toBeNull();
  return record.readUInt32BE(fields!.bodyStart);
}

function verify(acked: Map<number, Ack>): void {
  const engine = StoreEngine.open(testMinStoreConfig(dir, { flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: 64 * 1024 }), silentLogger, new FakeClock(Date.now()));
  const reader = new StoreReader(engine.readerPort());
  for (const ack of acked.values()) {
    const record = reader.readRecord(ack.physicalOffset);
    expect(record, `acknowledged id ${ack.id}`).not.toBeNull();
    const fields = recordFields(record!, 0, record!.length)!;
    expect(record!.subarray(fields.bodyStart, fields.bodyEnd)).toEqual(crashBody(ack.id));
    expect(readI64(record!, RecordPosition.QUEUE_OFFSET)).toBe(ack.queueOffset);
    if (ack.id % 50 < 2) {
      expect(reader.queryByKey('CrashTopic', `ID${ack.id}`, 4, 0, Date.now() + 1000).physicalOffsets).toContain(ack.physicalOffset);
    }
  }
  for (let queueId = 0; queueId < CRASH_QUEUES; queueId++) {
    let queueOffset = reader.minOffset('CrashTopic', queueId);
    const max = reader.maxOffset('CrashTopic', queueId);
    while (queueOffset < max) {
      const got = reader.getMessages('CrashTopic', queueId, queueOffset, 256, 1 << 22);
      expect(got.status).toBe('FOUND');
      let position = 0;
      for (let i = 0; i < got.messageCount; i++) {
        const size = got.body.readInt32BE(position);
        const record = got.body.subarray(position, position + size);
        const id = idOf(record);
        const fields = recordFields(record, 0, size)!;
        expect(record.subarray(fields.bodyStart, fields.bodyEnd)).toEqual(crashBody(id));
        expect(id % CRASH_QUEUES).toBe(queueId);
        expect(readI64(record, RecordPosition.QUEUE_OFFSET)).toBe(queueOffset + i);
        const ack = acked.get(id);
        if (ack !== undefined) expect(ack.queueOffset).toBe(queueOffset + i);
        position += size;
      }
      expect(reader.corruptRecordCount).toBe(0);
      queueOffset = got.nextBeginOffset;
    }
  }
  reader.close();
  engine.abandon();
}

describe('store crash safety (SIGKILL a real child)', () => {
  it(`keeps every acknowledged record (SYNC_FLUSH, ASYNC_FLUSH with and without the committer) across ${ROUNDS} kills`, async () => {
    expect(existsSync(CHILD), 'run npx tsc -p tsconfig.json first').toBe(true);
    const acked = new Map<number, Ack>();
    for (let round = 0; round < ROUNDS; round++) {
      const mode = round % 4;
      const tailCacheBytes = mode === 0 ? 64 * 1024 : 256 * 1024;
      const flushDiskType = mode >= 2 ? 'ASYNC_FLUSH' : 'SYNC_FLUSH';
      const acks = await runChild(round * 1_000_000, 20 + Math.floor(Math.random() * 400), tailCacheBytes, flushDiskType, mode === 3);
      for (const ack of acks) acked.set(ack.id, ack);
      if (round % 3 === 2 || round === ROUNDS - 1) verify(acked);
    }
    expect(acked.size).toBeGreaterThan(ROUNDS * 20);
  }, ROUNDS * 5000);
});
