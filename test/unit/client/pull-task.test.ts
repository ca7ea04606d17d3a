// Proves the pull loop's flow control and offset handling with a scripted broker API: no PULL is
// sent while the process queue holds more than pullThresholdForQueue messages (or bytes, or
// span), pulling resumes once consumption drains it, nextBeginOffset is followed, and an
// OFFSET_ILLEGAL answer adopts the corrected offset, drops the queue and hands it back. Found
// messages are delivered after the next pull has been sent (RocketMQ's order), and a seek that
// comes between an answer and its delivery discards that delivery.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import type { ClientInstance } from '../../../src/client/client-instance.js';
import { MessageExt } from '../../../src/client/message.js';
import type { MessageQueue } from '../../../src/client/message-queue.js';
import { OFFSET_NONE, type OffsetStore } from '../../../src/client/offset-store.js';
import { ProcessQueue } from '../../../src/client/process-queue.js';
import { type PullHost, type PullSettings, PullTask } from '../../../src/client/pull-task.js';
import { createResponse, createRequest, type RemotingCommand } from '../../../src/protocol/command.js';
import { encodeRecord } from '../../../src/protocol/record.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';

const queue: MessageQueue = { topic: 'T', brokerName: 'b', queueId: 0 };
const settings: PullSettings = {
  pullBatchSize: 4, pullIntervalMs: 0, pullThresholdForQueue: 3, pullThresholdSizeForQueueBytes: 1 << 20,
  consumeConcurrentlyMaxSpan: 2000, pullTimeDelayMsWhenException: 10, flowControlDelayMs: 5,
  brokerSuspendMaxTimeMs: 15_000, consumerTimeoutMsWhenSuspend: 30_000,
};

/** No flow control in the way (the default test settings pause above 3 cached messages). */
const roomy: PullSettings = { ...settings, pullThresholdForQueue: 1000 };

function setup(
  answer: (queueOffset: number) => RemotingCommand, onPull: (queueOffset: number) => void = () => undefined,
  pullSettings: PullSettings = settings,
) {
  const pulls: number[] = [];
  const offsets = new Map<number, number>();
  const instance = {
    subscribeAddress: () => '127.0.0.1:1',
    brokerRemoting: {
      invoke: async (_address: string, request: RemotingCommand) => {
        const queueOffset = Number(request.extFields?.['queueOffset']);
        pulls.push(queueOffset);
        onPull(queueOffset);
        await new Promise((r) => setTimeout(r, 2));
        return answer(queueOffset);
      },
    },
  } as unknown as ClientInstance;
  const offsetStore = {
    memoryOffset: () => OFFSET_NONE,
    updateOffset: (_q: MessageQueue, queueOffset: number) => offsets.set(0, queueOffset),
  } as unknown as OffsetStore;
  const moved: MessageQueue[] = [];
  let running = true;
  const host: PullHost = {
    instance, group: 'g', clustering: true, offsetStore, logger: silentLogger, settings: pullSettings,
    subscription: () => undefined, deliver: () => undefined, offsetMoved: (q) => moved.push(q), isRunning: () => running,
  };
  return { host, pulls, offsets, moved, stop: () => { running = false; } };
}

const notFound = (next: number) => createResponse(createRequest(11), ResponseCode.PULL_NOT_FOUND, null, {
  nextBeginOffset: String(next), minOffset: '0', maxOffset: String(next), suggestWhichBrokerId: '0',
});

/** FOUND with `count` records from `queueOffset` on (or PULL_NOT_FOUND from offset 8 on). */
function found(queueOffset: number, count = 4): RemotingCommand {
  if (queueOffset >= 8) return notFound(queueOffset);
  const body = Buffer.concat(Array.from({ length: count }, (_, i) => encodeRecord({
    topic: 'T', body: Buffer.from(`m${queueOffset + i}`), properties: '', queueId: 0, flag: 0, sysFlag: 0,
    bornTimestampMs: 1, bornHost: '10.0.0.1:1', queueOffset: queueOffset + i, physicalOffset: 100 * (queueOffset + i),
    storeTimestampMs: 2, storeHost: '10.0.0.2:10911',
  })));
  return createResponse(createRequest(11), ResponseCode.SUCCESS, null, {
    nextBeginOffset: String(queueOffset + count), minOffset: '0', maxOffset: '8', suggestWhichBrokerId: '0',
  }, body);
}

function cached(count: number): MessageExt[] {
  return Array.from({ length: count }, (_, i) => {
    const m = new MessageExt('T', Buffer.from('x'));
    m.queueOffset = i;
    return m;
  });
}

describe('PullTask', () => {
  it('pauses pulling while the process queue is over its threshold', async () => {
    const { host, pulls, stop } = setup((queueOffset) => notFound(queueOffset));
    const processQueue = new ProcessQueue();
    const messages = cached(4);
    processQueue.putMessages(messages);
    const done = new PullTask(host, queue, processQueue, 4).run();
    await new Promise((r) => setTimeout(r, 60));
    expect(pulls).toEqual([]);
    processQueue.removeMessages(messages);
    await new Promise((r) => setTimeout(r, 60));
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.every((o) => o === 4)).toBe(true);
    stop();
    await done;
  });

  it('adopts the corrected offset on OFFSET_ILLEGAL and gives the queue back', async () => {
    const { host, pulls, offsets, moved } = setup(() => createResponse(createRequest(11), ResponseCode.PULL_OFFSET_MOVED, null, {
      nextBeginOffset: '42', minOffset: '42', maxOffset: '50', suggestWhichBrokerId: '0',
    }));
    const processQueue = new ProcessQueue();
    await new PullTask(host, queue, processQueue, 7).run();
    expect(pulls).toEqual([7]);
    expect(offsets.get(0)).toBe(42);
    expect(processQueue.dropped).toBe(true);
    expect(moved).toEqual([queue]);
  });

  it('sends the next pull before the batch just pulled is delivered', async () => {
    const events: string[] = [];
    const { host, stop } = setup(found, (queueOffset) => events.push(`pull ${queueOffset}`), roomy);
    const processQueue = new ProcessQueue();
    host.deliver = (messages) => {
      events.push(`deliver ${messages.map((m) => m.queueOffset).join(',')}`);
      processQueue.removeMessages(messages);
    };
    const done = new PullTask(host, queue, processQueue, 0).run();
    await new Promise((r) => setTimeout(r, 60));
    stop();
    await done;
    expect(events.slice(0, 5)).toEqual(['pull 0', 'pull 4', 'deliver 0,1,2,3', 'pull 8', 'deliver 4,5,6,7']);
  });

  it('drops a delivery when a seek comes between the answer and the delivery', async () => {
    const delivered: number[] = [];
    const seekable: { task?: PullTask } = {};
    const { host, pulls, stop } = setup(found, (queueOffset) => { if (queueOffset === 4) seekable.task?.seek(8); }, roomy);
    host.deliver = (messages) => { delivered.push(...messages.map((m) => m.queueOffset)); };
    const task = new PullTask(host, queue, new ProcessQueue(), 0);
    seekable.task = task;
    const done = task.run();
    await new Promise((r) => setTimeout(r, 60));
    stop();
    await done;
    expect(pulls.slice(0, 3)).toEqual([0, 4, 8]);
    expect(delivered).toEqual([]);
  });
});
