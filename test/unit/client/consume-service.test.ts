// Proves the concurrent consume service: it never runs more than consumeThreadMax handlers at
// once, batches by consumeMessageBatchMaxSize, commits min-remaining offsets, sends failed
// messages back in clustering mode, holds the offset and retries locally when the send-back
// fails, and drops failures in broadcasting mode. Uses a fake listener and fake send-back.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import {
  ConsumeConcurrentlyStatus, ConsumeService, type ConsumeServiceOptions,
} from '../../../src/client/consume-service.js';
import { MessageExt } from '../../../src/client/message.js';
import type { MessageQueue } from '../../../src/client/message-queue.js';
import { ProcessQueue } from '../../../src/client/process-queue.js';

const queue: MessageQueue = { topic: 'T', brokerName: 'b', queueId: 0 };

function messages(count: number): MessageExt[] {
  return Array.from({ length: count }, (_, i) => {
    const m = new MessageExt('T', Buffer.from(`m${i}`));
    m.queueOffset = i;
    return m;
  });
}

function setup(overrides: Partial<ConsumeServiceOptions>) {
  const offsets: number[] = [];
  const sentBack: number[] = [];
  const options: ConsumeServiceOptions = {
    listener: () => ConsumeConcurrentlyStatus.CONSUME_SUCCESS,
    consumerGroup: 'g', clustering: true, inFlightMax: 2, batchMaxSize: 1, localRetryDelayMs: 20,
    logger: silentLogger,
    sendMessageBack: async (m) => {
      sentBack.push(m.queueOffset);
      return true;
    },
    updateOffset: (_q, queueOffset) => offsets.push(queueOffset),
    ...overrides,
  };
  return { service: new ConsumeService(options), offsets, sentBack };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('ConsumeService', () => {
  it('bounds handlers in flight and batches', async () => {
    let running = 0;
    let runningMax = 0;
    const sizes: number[] = [];
    const { service, offsets } = setup({
      inFlightMax: 3, batchMaxSize: 4,
      listener: async (batch) => {
        sizes.push(batch.length);
        running++;
        runningMax = Math.max(runningMax, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    const pq = new ProcessQueue();
    const batch = messages(30);
    pq.putMessages(batch);
    service.submit(batch, pq, queue);
    await until(() => pq.messageCount === 0);
    expect(runningMax).toBe(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
    expect(Math.max(...sizes)).toBe(4);
    expect(Math.max(...offsets)).toBe(30);
  });

  it('sends failures back (clustering) and commits past them', async () => {
    const { service, offsets, sentBack } = setup({
      listener: (batch) => (batch[0]!.queueOffset % 2 === 0
        ? ConsumeConcurrentlyStatus.RECONSUME_LATER
        : ConsumeConcurrentlyStatus.CONSUME_SUCCESS),
    });
    const pq = new ProcessQueue();
    const batch = messages(4);
    pq.putMessages(batch);
    service.submit(batch, pq, queue);
    await until(() => pq.messageCount === 0);
    expect(sentBack.sort()).toEqual([0, 2]);
    expect(Math.max(...offsets)).toBe(4);
  });

  it('holds the offset and retries locally when send-back fails', async () => {
    let attempts = 0;
    const { service, offsets } = setup({
      listener: () => {
        attempts++;
        return attempts === 1 ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
      sendMessageBack: async () => false,
    });
    const pq = new ProcessQueue();
    const batch = messages(1);
    pq.putMessages(batch);
    service.submit(batch, pq, queue);
    await until(() => attempts === 2 && pq.messageCount === 0);
    // Before the local retry succeeds the commit never passes the failed message (offset 0).
    expect(offsets.slice(0, -1).every((o) => o === 0)).toBe(true);
    expect(offsets.at(-1)).toBe(1);
    expect(batch[0]!.reconsumeTimes).toBe(1);
  });

  it('treats a throw as RECONSUME_LATER and drops failures when broadcasting', async () => {
    const { service, offsets, sentBack } = setup({
      clustering: false,
      listener: () => {
        throw new Error('boom');
      },
    });
    const pq = new ProcessQueue();
    const batch = messages(2);
    pq.putMessages(batch);
    service.submit(batch, pq, queue);
    await until(() => pq.messageCount === 0);
    expect(sentBack).toEqual([]);
    expect(Math.max(...offsets)).toBe(2);
  });
});
