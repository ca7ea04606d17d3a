// Proves the broker's send queue (src/broker/data-plane/send-queue.ts): a send the store refuses
// as busy waits and is stored once the store has room, in arrival order; it is refused with
// 'busy-timeout' after waitTimeMillsInSendQueue (only with fast failure on), with 'busy' at once
// past the request or byte capacity; waiting records are copies. A fast-check model drives a
// fake store through random appends, completions and clock steps and checks that every send
// settles exactly once and that stored sends keep their arrival order.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageAppender } from '../../../../src/broker/data-plane/ports.js';
import { SEND_QUEUE_POLL_MS, SendQueue, type SendQueueOptions, type SendRefusal } from '../../../../src/broker/data-plane/send-queue.js';
import type { AppendCallback, AppendResult, AppendSubmitStatus } from '../../../../src/store/types.js';

/** A store with room for `room` appends in flight; `complete()` finishes the oldest. */
class FakeStore implements MessageAppender {
  room: number;
  readonly inFlight: Array<{ records: Uint8Array; done: AppendCallback }> = [];
  readonly stored: number[] = [];
  nextStatus: AppendSubmitStatus | undefined = undefined;

  constructor(room: number) {
    this.room = room;
  }

  append(records: Uint8Array, _tags: number | readonly number[], done: AppendCallback): AppendSubmitStatus {
    if (this.nextStatus !== undefined) return this.nextStatus;
    if (this.inFlight.length >= this.room) return 'busy';
    this.inFlight.push({ records, done });
    this.stored.push(records[0] as number);
    return 'queued';
  }

  complete(): void {
    const entry = this.inFlight.shift();
    if (entry === undefined) return;
    const result: AppendResult = {
      status: 'ok', physicalOffset: 0, queueOffset: 0, recordCount: 1, storeTimestampMs: 0, physicalOffsets: [0],
    };
    entry.done(result);
  }
}

interface Outcome {
  id: number;
  kind: 'stored' | SendRefusal;
}

function harness(room: number, options: Partial<SendQueueOptions> = {}) {
  let now = 0;
  const store = new FakeStore(room);
  const queue = new SendQueue(store, {
    waitTimeMs: 200, fastFailure: true, capacityRequests: 100, capacityBytes: 1 << 20, nowMs: () => now, ...options,
  });
  const outcomes: Outcome[] = [];
  const send = (id: number, sizeBytes = 1): Uint8Array => {
    const records = new Uint8Array(sizeBytes).fill(id);
    queue.append(records, 0, () => outcomes.push({ id, kind: 'stored' }), (kind) => outcomes.push({ id, kind }));
    return records;
  };
  return {
    store, queue, outcomes, send,
    advance: async (ms: number) => {
      now += ms;
      await vi.advanceTimersByTimeAsync(ms);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SendQueue', () => {
  it('passes sends straight to a store with room', () => {
    const h = harness(4);
    for (let id = 1; id <= 3; id++) h.send(id);
    expect(h.store.stored).toEqual([1, 2, 3]);
    expect(h.queue.size).toBe(0);
  });

  it('keeps a busy send waiting and stores it after a completion, later sends behind it', async () => {
    const h = harness(1);
    h.send(1);
    h.send(2);
    h.send(3);
    expect(h.store.stored).toEqual([1]);
    expect(h.queue.size).toBe(2);
    h.store.room = 3;
    h.store.complete();
    await Promise.resolve();
    expect(h.store.stored).toEqual([1, 2, 3]);
    expect(h.queue.size).toBe(0);
    expect(h.outcomes).toEqual([{ id: 1, kind: 'stored' }]);
  });

  it('offers waiting sends on its poll even when nothing completes', async () => {
    const h = harness(0);
    h.send(1);
    expect(h.queue.size).toBe(1);
    h.store.room = 1;
    await h.advance(SEND_QUEUE_POLL_MS);
    expect(h.store.stored).toEqual([1]);
  });

  it('copies waiting records (the caller may reuse its buffer)', async () => {
    const h = harness(0);
    const records = h.send(7, 4);
    records.fill(9);
    h.store.room = 1;
    await h.advance(SEND_QUEUE_POLL_MS);
    expect(Array.from(h.store.inFlight[0]?.records ?? [])).toEqual([7, 7, 7, 7]);
  });

  it('refuses with busy-timeout after waitTimeMillsInSendQueue', async () => {
    const h = harness(0, { waitTimeMs: 50 });
    h.send(1);
    await h.advance(45);
    expect(h.outcomes).toEqual([]);
    await h.advance(10);
    expect(h.outcomes).toEqual([{ id: 1, kind: 'busy-timeout' }]);
    expect(h.queue.size).toBe(0);
  });

  it('never times out a send without fast failure', async () => {
    const h = harness(0, { waitTimeMs: 50, fastFailure: false });
    h.send(1);
    await h.advance(1000);
    expect(h.outcomes).toEqual([]);
    h.store.room = 1;
    await h.advance(SEND_QUEUE_POLL_MS);
    expect(h.store.stored).toEqual([1]);
  });

  it('refuses at once past the request and byte capacity', () => {
    const h = harness(0, { capacityRequests: 2, capacityBytes: 10 });
    h.send(1, 4);
    h.send(2, 4);
    h.send(3, 1);
    expect(h.outcomes).toEqual([{ id: 3, kind: 'busy' }]);
    const bytes = harness(0, { capacityRequests: 10, capacityBytes: 10 });
    bytes.send(1, 6);
    bytes.send(2, 6);
    expect(bytes.outcomes).toEqual([{ id: 2, kind: 'busy' }]);
    expect(bytes.queue.bytes).toBe(6);
  });

  it('passes a final refusal through (not writable, too large)', async () => {
    const h = harness(0);
    h.send(1);
    h.store.nextStatus = 'not-writable';
    await h.advance(SEND_QUEUE_POLL_MS);
    h.send(2);
    expect(h.outcomes).toEqual([{ id: 1, kind: 'not-writable' }, { id: 2, kind: 'not-writable' }]);
  });

  it('refuses everything waiting on close', () => {
    const h = harness(0);
    h.send(1);
    h.send(2);
    h.queue.close();
    expect(h.outcomes).toEqual([{ id: 1, kind: 'busy' }, { id: 2, kind: 'busy' }]);
  });

  it('model: every send settles once, stored sends keep arrival order', async () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('send' as const), sizeBytes: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ op: fc.constant('complete' as const) }),
      fc.record({ op: fc.constant('room' as const), room: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 120 }) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 80 }), async (steps) => {
      const h = harness(1, { capacityRequests: 6, capacityBytes: 30 });
      let sent = 0;
      for (const s of steps) {
        if (s.op === 'send') h.send(++sent, s.sizeBytes);
        else if (s.op === 'complete') h.store.complete();
        else if (s.op === 'room') h.store.room = s.room;
        else await h.advance(s.ms);
        await Promise.resolve();
      }
      h.store.room = Number.MAX_SAFE_INTEGER;
      await h.advance(SEND_QUEUE_POLL_MS);
      while (h.store.inFlight.length > 0) h.store.complete();
      const ids = h.outcomes.map((outcome) => outcome.id).sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: sent }, (_, index) => index + 1));
      expect(h.store.stored).toEqual([...h.store.stored].sort((a, b) => a - b));
      expect(h.queue.size).toBe(0);
      expect(h.queue.bytes).toBe(0);
    }), { numRuns: 200 });
  });
});
