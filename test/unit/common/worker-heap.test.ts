// Proves the broker's worker heap setting: the operator's own --initial-old-space-size (node flag
// or NODE_OPTIONS, either spelling) is kept, otherwise the default is applied, and a worker
// created afterwards really gets the larger old-generation threshold (V8 reports it).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  WORKER_INITIAL_OLD_SPACE_MB, operatorSetsOldSpace, raiseWorkerOldSpaceStart,
} from '../../../src/common/worker-heap.js';

describe('worker heap', () => {
  it('sees an operator setting in either place and spelling', () => {
    expect(operatorSetsOldSpace(['--initial-old-space-size=64'], '')).toBe(true);
    expect(operatorSetsOldSpace([], '--max-semi-space-size=8 --initial_old_space_size=32')).toBe(true);
    expect(operatorSetsOldSpace(['--max-old-space-size=4096'], '--trace-gc')).toBe(false);
  });

  it('keeps the operator setting', () => {
    expect(raiseWorkerOldSpaceStart(64, ['--initial-old-space-size=64'], '')).toBeNull();
  });

  it('spares a worker created afterwards the full collections of a growing heap', async () => {
    // The worker keeps ~48 MiB of small arrays alive and counts its major (Mark-Compact) GCs.
    const majorGcs = (): Promise<number> => new Promise((resolve, reject) => {
      const worker = new Worker(`
        const { parentPort } = require('node:worker_threads');
        const { PerformanceObserver, constants } = require('node:perf_hooks');
        let major = 0;
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
        });
        observer.observe({ entryTypes: ['gc'] });
        const kept = [];
        for (let i = 0; i < 48 * 1024; i++) kept.push(new Array(128).fill(i));
        setTimeout(() => { observer.disconnect(); parentPort.postMessage({ major, keptArrays: kept.length }); }, 50);
      `, { eval: true });
      worker.once('message', (reply: { major: number }) => { void worker.terminate(); resolve(reply.major); });
      worker.once('error', reject);
    });
    const before = await majorGcs();
    expect(raiseWorkerOldSpaceStart(WORKER_INITIAL_OLD_SPACE_MB, [], '')).toBe(WORKER_INITIAL_OLD_SPACE_MB);
    const after = await majorGcs();
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(0);
  });
});
