// The closed append loop of `make bench-store`, shared by the main thread and the producer
// threads (bench/store/producer-thread.ts): keeps `window` appends in flight through one
// StoreProducer, each completion submitting the next append, as an I/O thread answering
// pipelined sends does. Each append carries the index-key hash an I/O thread computes from the
// message's UNIQ_KEY string (`indexKeyHashesOf`).
import { performance } from 'node:perf_hooks';
import { encodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord } from '../../src/protocol/record.js';
import { indexKeyHashesOf } from '../../src/store/index-file.js';
import type { StoreProducer } from '../../src/store/producer.js';

export const BENCH_TOPIC = 'BenchmarkTest';

export interface LoopSpec {
  bodyBytes: number;
  /** Appends this thread keeps in flight. */
  window: number;
  queues: number;
  /** Distinguishes the threads' UNIQ_KEYs. */
  threadIndex: number;
}

export interface LoopResult {
  completed: number;
  busyCount: number;
  recordBytes: number;
}

function uniqKey(threadIndex: number, index: number): string {
  return `0A00000200${String(threadIndex).padStart(2, '0')}${String(index).padStart(20, '0')}`;
}

function record(bodyBytes: number, queueId: number, key: string, index: number): Buffer {
  return encodeRecord({
    topic: BENCH_TOPIC,
    body: Buffer.alloc(bodyBytes, index & 0xff),
    properties: encodeProperties({ UNIQ_KEY: key, TAGS: 'TagA', WAIT: 'true' }),
    queueId,
    flag: 0,
    sysFlag: 0,
    bornTimestampMs: Date.now(),
    bornHost: '10.0.0.2:50000',
  });
}

/** Returns a function running one round of `durationMs`; it resolves when the last append completed. */
export function appendLoop(producer: StoreProducer, spec: LoopSpec): (durationMs: number) => Promise<LoopResult> {
  const keys = Array.from({ length: 64 }, (_, i) => uniqKey(spec.threadIndex, i));
  const records = keys.map((key, i) => record(spec.bodyBytes, i % spec.queues, key, i));
  let completed = 0;
  let busyCount = 0;
  let next = 0;
  let stopAt = 0;
  let inFlight = 0;
  let stopping = false;
  let finish: () => void = () => undefined;
  const onDone = (): void => {
    completed++;
    inFlight--;
    // One clock read per 64 completions: the loop measures the store, not performance.now().
    if ((completed & 63) === 0 && performance.now() >= stopAt) stopping = true;
    if (!stopping) submit();
    else if (inFlight === 0) finish();
  };
  const submit = (): void => {
    while (inFlight < spec.window) {
      const at = next++ & 63;
      const status = producer.append(records[at] as Buffer, 0, onDone, indexKeyHashesOf(BENCH_TOPIC, keys[at], undefined));
      if (status !== 'queued') {
        busyCount++;
        if (inFlight === 0) setImmediate(submit);
        return;
      }
      inFlight++;
    }
  };
  return async (durationMs: number): Promise<LoopResult> => {
    completed = 0;
    busyCount = 0;
    stopping = false;
    stopAt = performance.now() + durationMs;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    submit();
    await done;
    return { completed, busyCount, recordBytes: (records[0] as Buffer).length };
  };
}
