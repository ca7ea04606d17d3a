import { assert } from '../common/assert.js';
import type { Logger } from '../common/log.js';
import { MessageProperty, type MessageExt } from './message.js';
import type { MessageQueue } from './message-queue.js';
import type { ProcessQueue } from './process-queue.js';

/**
 * Runs the user's concurrent listener over pulled messages (Java's
 * ConsumeMessageConcurrentlyService). Node has one thread, so `consumeThreadMax` bounds the
 * number of handler invocations in flight (async handlers overlap; sync ones run back to back).
 * Messages are handed over in batches of at most `consumeMessageBatchMaxSize`. A batch that
 * fails (RECONSUME_LATER, a throw, or anything but CONSUME_SUCCESS) is, in clustering mode,
 * sent back to the broker (CONSUMER_SEND_MSG_BACK, reference §5.2); a message whose send-back
 * fails is retried locally after `localRetryDelayMs` and its offset is not committed past.
 * Broadcasting consumers do not retry: failures are logged and dropped.
 */
export const ConsumeConcurrentlyStatus = {
  CONSUME_SUCCESS: 'CONSUME_SUCCESS',
  RECONSUME_LATER: 'RECONSUME_LATER',
} as const;
export type ConsumeConcurrentlyStatus = (typeof ConsumeConcurrentlyStatus)[keyof typeof ConsumeConcurrentlyStatus];

export interface ConsumeConcurrentlyContext {
  readonly messageQueue: MessageQueue;
  /** Delay level for the send-back: 0 lets the broker decide (3 + reconsumeTimes), -1 goes to the DLQ. */
  delayLevelWhenNextConsume: number;
  /** On success, messages after this index are treated as failed (Java's ackIndex). */
  ackIndex: number;
}

export type ConsumeResult = ConsumeConcurrentlyStatus | null | undefined | void;
export type MessageListenerFn = (
  messages: MessageExt[],
  context: ConsumeConcurrentlyContext,
) => ConsumeResult | Promise<ConsumeResult>;
export interface MessageListenerObject {
  consumeMessage(messages: MessageExt[], context: ConsumeConcurrentlyContext): ConsumeResult | Promise<ConsumeResult>;
}
export type MessageListenerConcurrently = MessageListenerFn | MessageListenerObject;

/** Java retries locally after 5 s when the send-back RPC fails. */
export const LOCAL_RETRY_DELAY_MS_DEFAULT = 5_000;

export interface ConsumeServiceOptions {
  listener: MessageListenerConcurrently;
  consumerGroup: string;
  clustering: boolean;
  inFlightMax: number;
  batchMaxSize: number;
  localRetryDelayMs?: number;
  logger: Logger;
  /** Sends a failed message back to the broker; false (or a rejection) means it did not work. */
  sendMessageBack(message: MessageExt, delayLevel: number, queue: MessageQueue): Promise<boolean>;
  /** Commits the offset computed after a batch completed (clustering and broadcasting). */
  updateOffset(queue: MessageQueue, queueOffset: number): void;
}

interface ConsumeTask {
  readonly messages: MessageExt[];
  readonly processQueue: ProcessQueue;
  readonly queue: MessageQueue;
}

export class ConsumeService {
  /** Batches waiting for a slot from `waitingHead` on; taken slots are cleared (no retention). */
  private readonly waiting: Array<ConsumeTask | undefined> = [];
  private waitingHead = 0;
  private running = 0;
  private stopped = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private readonly retryTopic: string;

  constructor(private readonly options: ConsumeServiceOptions) {
    assert(options.inFlightMax >= 1, 'consumeThreadMax must be >= 1');
    assert(options.batchMaxSize >= 1, 'consumeMessageBatchMaxSize must be >= 1');
    this.retryTopic = `%RETRY%${options.consumerGroup}`;
  }

  /** Handlers running now plus batches waiting for a slot. */
  get backlog(): number {
    return this.running + (this.waiting.length - this.waitingHead);
  }

  /** Queues the pulled messages of `queue` for consumption, split into batches. */
  submit(messages: readonly MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): void {
    if (this.stopped) return;
    for (let i = 0; i < messages.length; i += this.options.batchMaxSize) {
      this.waiting.push({ messages: messages.slice(i, i + this.options.batchMaxSize), processQueue, queue });
    }
    this.pump();
  }

  /** Stops taking work, cancels local retries, and waits (up to `timeoutMs`) for running handlers. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    this.waitingHead = 0;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    if (this.running === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.inFlightMax && this.waitingHead < this.waiting.length) {
      const task = this.waiting[this.waitingHead] as ConsumeTask;
      this.waiting[this.waitingHead] = undefined;
      this.waitingHead++;
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingHead);
        this.waitingHead = 0;
      }
      if (task.processQueue.dropped) continue;
      this.running++;
      void this.run(task).finally(() => {
        this.running--;
        if (this.running === 0) this.notifyIdle();
        this.pump();
      });
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private async run(task: ConsumeTask): Promise<void> {
    const context: ConsumeConcurrentlyContext = {
      messageQueue: task.queue, delayLevelWhenNextConsume: 0, ackIndex: Number.MAX_SAFE_INTEGER,
    };
    const startTimeText = String(Date.now());
    // Every record of a queue carries the queue's topic: only a retry queue's need resetting.
    const retried = task.queue.topic === this.retryTopic;
    for (const message of task.messages) this.prepare(message, startTimeText, retried);
    let status: ConsumeResult;
    try {
      const listener = this.options.listener;
      status = await (typeof listener === 'function'
        ? listener(task.messages, context)
        : listener.consumeMessage(task.messages, context));
    } catch (error) {
      this.options.logger.warn({ err: error, queue: task.queue }, 'consumeMessage threw; will reconsume later');
      status = ConsumeConcurrentlyStatus.RECONSUME_LATER;
    }
    task.processQueue.lastConsumeTimestampMs = Date.now();
    if (task.processQueue.dropped) return;
    await this.complete(task, status, context);
  }

  /** Retry-topic messages are shown with their original topic (reference §5.2). */
  private prepare(message: MessageExt, startTimeText: string, retried: boolean): void {
    if (retried && message.topic === this.retryTopic) {
      const original = message.properties[MessageProperty.RETRY_TOPIC];
      if (original !== undefined) message.topic = original;
    }
    message.setConsumeStartTime(startTimeText);
  }

  private async complete(task: ConsumeTask, status: ConsumeResult, context: ConsumeConcurrentlyContext): Promise<void> {
    const count = task.messages.length;
    const ackIndex = status === ConsumeConcurrentlyStatus.CONSUME_SUCCESS
      ? Math.min(context.ackIndex, count - 1)
      : -1;
    const failed = task.messages.slice(ackIndex + 1);
    let retryLocally: MessageExt[] = [];
    if (failed.length > 0 && this.options.clustering) {
      retryLocally = await this.sendBack(failed, context.delayLevelWhenNextConsume, task.queue);
    } else if (failed.length > 0) {
      this.options.logger.warn({ count: failed.length, queue: task.queue }, 'BROADCASTING, the message consume failed, drop it');
    }
    const done = retryLocally.length === 0 ? task.messages : task.messages.filter((m) => !retryLocally.includes(m));
    const queueOffset = task.processQueue.removeMessages(done);
    if (queueOffset >= 0 && !task.processQueue.dropped) this.options.updateOffset(task.queue, queueOffset);
    if (retryLocally.length > 0) this.retryLater(retryLocally, task);
  }

  /** Sends failed messages back; returns the ones whose send-back failed. */
  private async sendBack(messages: MessageExt[], delayLevel: number, queue: MessageQueue): Promise<MessageExt[]> {
    const outcomes = await Promise.all(messages.map(async (message) => {
      try {
        return await this.options.sendMessageBack(message, delayLevel, queue);
      } catch (error) {
        this.options.logger.warn({ err: error, msgId: message.msgId }, 'sendMessageBack failed');
        return false;
      }
    }));
    const failed: MessageExt[] = [];
    outcomes.forEach((ok, i) => {
      if (ok) return;
      const message = messages[i] as MessageExt;
      message.reconsumeTimes += 1;
      failed.push(message);
    });
    return failed;
  }

  private retryLater(messages: MessageExt[], task: ConsumeTask): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.submit(messages, task.processQueue, task.queue);
    }, this.options.localRetryDelayMs ?? LOCAL_RETRY_DELAY_MS_DEFAULT);
    this.retryTimers.add(timer);
  }
}
