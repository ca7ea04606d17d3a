// Proves the orderly consume service (reference §5.2, §5.5) with a fake listener, fake locks and a
// fake DLQ: one batch per queue at a time in offset order (even while several queues run at
// once); SUCCESS commits the offset after the batch; SUSPEND puts the batch back and retries it
// after the suspend time with reconsumeTimes + 1, then sends it to the DLQ after
// maxReconsumeTimes and moves on; a throw counts as SUSPEND; without autoCommit SUCCESS keeps the
// offset, COMMIT commits and ROLLBACK re-consumes everything since the last commit; a queue whose lock is missing is relocked
// before anything is consumed; and the process queue's orderly operations keep offset order.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import {
  type ConsumeOrderlyContext, ConsumeOrderlyStatus, MessageListenerOrderly, OrderlyConsumeService,
  type OrderlyConsumeServiceOptions,
} from '../../../src/client/consume-orderly.js';
import { MessageExt } from '../../../src/client/message.js';
import type { MessageQueue } from '../../../src/client/message-queue.js';
import { ProcessQueue } from '../../../src/client/process-queue.js';

function queueOf(queueId: number): MessageQueue {
  return { topic: 'T', brokerName: 'b', queueId };
}

function messages(count: number, queueId = 0, from = 0): MessageExt[] {
  return Array.from({ length: count }, (_, i) => {
    const m = new MessageExt('T', Buffer.from(`q${queueId}-m${from + i}`));
    m.queueId = queueId;
    m.queueOffset = from + i;
    return m;
  });
}

type Handler = (batch: MessageExt[], context: ConsumeOrderlyContext) => ConsumeOrderlyStatus | Promise<ConsumeOrderlyStatus>;

function setup(handler: Handler, overrides: Partial<OrderlyConsumeServiceOptions> = {}) {
  const offsets: Array<[number, number]> = [];
  const deadLetters: string[] = [];
  const relocks: number[] = [];
  const options: OrderlyConsumeServiceOptions = {
    listener: new MessageListenerOrderly(handler), consumerGroup: 'g', clustering: true, batchMaxSize: 1,
    suspendTimeMs: 10, maxReconsumeTimes: 2, maxTimeConsumeContinuouslyMs: 60_000, lockMaxLiveMs: 30_000,
    lockRetryMs: 10, logger: silentLogger,
    sendToDeadLetter: async (m) => {
      deadLetters.push(m.body.toString());
      return true;
    },
    updateOffset: (q, queueOffset) => offsets.push([q.queueId, queueOffset]),
    relock: async (q, pq) => {
      relocks.push(q.queueId);
      pq.locked = true;
      pq.lastLockTimestampMs = Date.now();
      return true;
    },
    ...overrides,
  };
  return { service: new OrderlyConsumeService(options), offsets, deadLetters, relocks };
}

function lockedQueue(batch: MessageExt[]): ProcessQueue {
  const pq = new ProcessQueue();
  pq.locked = true;
  pq.lastLockTimestampMs = Date.now();
  pq.putMessages(batch);
  return pq;
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('OrderlyConsumeService', () => {
  it('consumes each queue one batch at a time, in offset order, committing after each', async () => {
    const seen = new Map<number, number[]>();
    const running = new Map<number, number>();
    let overlap = 0;
    const { service, offsets } = setup(async (batch) => {
      const queueId = batch[0]?.queueId ?? -1;
      running.set(queueId, (running.get(queueId) ?? 0) + 1);
      if ((running.get(queueId) ?? 0) > 1) overlap++;
      await new Promise((r) => setTimeout(r, 1));
      seen.set(queueId, [...(seen.get(queueId) ?? []), ...batch.map((m) => m.queueOffset)]);
      running.set(queueId, (running.get(queueId) ?? 1) - 1);
      return ConsumeOrderlyStatus.SUCCESS;
    }, { batchMaxSize: 2 });
    const queues = [0, 1, 2].map((queueId) => ({ queueId, batch: messages(9, queueId) }));
    for (const { queueId, batch } of queues) {
      const pq = lockedQueue(batch);
      service.submit(batch.slice(0, 4), pq, queueOf(queueId));
      service.submit(batch.slice(4), pq, queueOf(queueId));
    }
    await until(() => [0, 1, 2].every((q) => (seen.get(q) ?? []).length === 9));
    expect(overlap).toBe(0);
    for (const q of [0, 1, 2]) expect(seen.get(q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(offsets.filter(([q]) => q === 1).map(([, o]) => o)).toEqual([2, 4, 6, 8, 9]);
  });

  it('retries a suspended message after the suspend time, then sends it to the DLQ and goes on', async () => {
    const calls: Array<[string, number]> = [];
    const { service, offsets, deadLetters } = setup((batch) => {
      const m = batch[0] as MessageExt;
      calls.push([m.body.toString(), m.reconsumeTimes]);
      return m.queueOffset === 1 ? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT : ConsumeOrderlyStatus.SUCCESS;
    });
    const batch = messages(3);
    service.submit(batch, lockedQueue(batch), queueOf(0));
    await until(() => calls.length === 5);
    expect(calls).toEqual([['q0-m0', 0], ['q0-m1', 0], ['q0-m1', 1], ['q0-m1', 2], ['q0-m2', 0]]);
    expect(deadLetters).toEqual(['q0-m1']);
    expect(offsets.map(([, o]) => o)).toEqual([1, 2, 3]);
  });

  it('treats a throw as SUSPEND', async () => {
    let attempts = 0;
    const { service, offsets } = setup(() => {
      attempts++;
      if (attempts === 1) throw new Error('boom');
      return ConsumeOrderlyStatus.SUCCESS;
    });
    const batch = messages(1);
    service.submit(batch, lockedQueue(batch), queueOf(0));
    await until(() => offsets.length === 1);
    expect(attempts).toBe(2);
  });

  it('without autoCommit: SUCCESS keeps the offset, ROLLBACK re-consumes, COMMIT commits', async () => {
    const calls: number[] = [];
    let rolledBack = false;
    const { service, offsets } = setup((batch, context) => {
      context.autoCommit = false;
      const offset = batch[0]?.queueOffset ?? -1;
      calls.push(offset);
      if (offset === 1 && !rolledBack) {
        rolledBack = true;
        return ConsumeOrderlyStatus.ROLLBACK;
      }
      return offset === 2 ? ConsumeOrderlyStatus.COMMIT : ConsumeOrderlyStatus.SUCCESS;
    });
    const batch = messages(3);
    service.submit(batch, lockedQueue(batch), queueOf(0));
    await until(() => calls.length === 5);
    // ROLLBACK goes back to the last commit, so the uncommitted SUCCESS batch comes again too.
    expect(calls).toEqual([0, 1, 0, 1, 2]);
    expect(offsets.map(([, o]) => o)).toEqual([3]);
  });

  it('relocks a queue whose lock is missing or expired before consuming it', async () => {
    const consumed: number[] = [];
    const { service, relocks } = setup((batch) => {
      consumed.push(batch[0]?.queueOffset ?? -1);
      return ConsumeOrderlyStatus.SUCCESS;
    }, { lockMaxLiveMs: 1000 });
    const batch = messages(2);
    const pq = new ProcessQueue();
    pq.putMessages(batch);
    pq.locked = true;
    pq.lastLockTimestampMs = Date.now() - 5000;
    service.submit(batch, pq, queueOf(0));
    await until(() => consumed.length === 2);
    expect(relocks).toEqual([0]);
  });

  it('does not consume or commit a dropped queue; a releasing one commits its batch in flight', async () => {
    let release: () => void = () => undefined;
    const { service, offsets } = setup(() => new Promise((resolve) => {
      release = () => resolve(ConsumeOrderlyStatus.SUCCESS);
    }));
    const batch = messages(3);
    const pq = lockedQueue(batch);
    service.submit(batch, pq, queueOf(0));
    await until(() => pq.inFlight !== null);
    pq.dropped = true;
    pq.releasing = true;
    const inFlight = pq.inFlight;
    release();
    await inFlight;
    await new Promise((r) => setTimeout(r, 20));
    expect(offsets.map(([, o]) => o)).toEqual([1]);
    expect(pq.messageCount).toBe(2);
  });
});

describe('ProcessQueue orderly operations', () => {
  it('takes from the front, puts back in order, commits after the batch', () => {
    const pq = new ProcessQueue();
    pq.putMessages(messages(5));
    const first = pq.takeMessages(2);
    expect(first.map((m) => m.queueOffset)).toEqual([0, 1]);
    expect(pq.messageCount).toBe(5);
    pq.makeMessageToConsumeAgain(first);
    expect(pq.takeMessages(3).map((m) => m.queueOffset)).toEqual([0, 1, 2]);
    pq.rollback();
    expect(pq.takeMessages(1).map((m) => m.queueOffset)).toEqual([0]);
    expect(pq.commit()).toBe(1);
    expect(pq.takeMessages(10).map((m) => m.queueOffset)).toEqual([1, 2, 3, 4]);
    expect(pq.commit()).toBe(5);
    expect([pq.messageCount, pq.messageBytes, pq.commit()]).toEqual([0, 0, -1]);
  });
});
