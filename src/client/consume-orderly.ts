import type { Logger } from '../common/log.js';
import { MessageProperty, type MessageExt } from './message.js';
import type { MessageQueue } from './message-queue.js';
import type { ProcessQueue } from './process-queue.js';

/**
 * Orderly consumption (Java's ConsumeMessageOrderlyService, reference §5.2, §5.5): each queue is
 * consumed by one loop, one batch at a time, in queue-offset order. In clustering mode a queue
 * is consumed only while this client holds its broker lock (renewed by the rebalancer; treated
 * as expired locally after `lockMaxLiveMs`); without it the loop asks for the lock again and
 * resumes later. The listener answers per batch:
 *
 * - autoCommit (default): SUCCESS (and the deprecated COMMIT / ROLLBACK) commits the batch;
 *   SUSPEND_CURRENT_QUEUE_A_MOMENT puts it back and retries it after the suspend time, up to
 *   `maxReconsumeTimes` (then the message is re-published with reconsumeTimes >= max, which the
 *   broker puts in %DLQ%<group>, and the batch commits).
 * - autoCommit off: SUCCESS keeps the offset, COMMIT commits, ROLLBACK puts the batch back and
 *   retries it, SUSPEND as above without committing.
 *
 * A throw or a missing status counts as SUSPEND. A loop yields after `maxTimeConsumeContinuouslyMs`.
 */
export const ConsumeOrderlyStatus = {
  SUCCESS: 'SUCCESS',
  /** @deprecated as in Java; with autoCommit on it means SUCCESS. */
  ROLLBACK: 'ROLLBACK',
  /** @deprecated as in Java; with autoCommit on it means SUCCESS. */
  COMMIT: 'COMMIT',
  SUSPEND_CURRENT_QUEUE_A_MOMENT: 'SUSPEND_CURRENT_QUEUE_A_MOMENT',
} as const;
export type ConsumeOrderlyStatus = (typeof ConsumeOrderlyStatus)[keyof typeof ConsumeOrderlyStatus];

export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  /** Commit the offset after SUCCESS (default true). */
  autoCommit: boolean;
  /** Suspend time for SUSPEND_CURRENT_QUEUE_A_MOMENT; -1 uses the consumer's setting. */
  suspendCurrentQueueTimeMillis: number;
}

export type ConsumeOrderlyResult = ConsumeOrderlyStatus | null | undefined | void;
export type MessageListenerOrderlyFn = (
  messages: MessageExt[],
  context: ConsumeOrderlyContext,
) => ConsumeOrderlyResult | Promise<ConsumeOrderlyResult>;

/**
 * An orderly listener (Java's MessageListenerOrderly). Pass the handler to the constructor
 * (`new MessageListenerOrderly(async (msgs, context) => 'SUCCESS')`) or extend the class and
 * override `consumeMessage`; `registerMessageListener` recognizes orderly listeners by class.
 */
export class MessageListenerOrderly {
  constructor(private readonly handler?: MessageListenerOrderlyFn) {}

  consumeMessage(messages: MessageExt[], context: ConsumeOrderlyContext): ConsumeOrderlyResult | Promise<ConsumeOrderlyResult> {
    if (this.handler === undefined) throw new TypeError('MessageListenerOrderly: pass a handler or override consumeMessage');
    return this.handler(messages, context);
  }
}

/** Java's Integer.MAX_VALUE: the orderly default when maxReconsumeTimes is -1. */
export const ORDERLY_MAX_RECONSUME_TIMES_DEFAULT = 2_147_483_647;
export const SUSPEND_TIME_MS_MIN = 10;
export const SUSPEND_TIME_MS_MAX = 30_000;

export interface OrderlyConsumeServiceOptions {
  listener: MessageListenerOrderly;
  consumerGroup: string;
  clustering: boolean;
  batchMaxSize: number;
  suspendTimeMs: number;
  maxReconsumeTimes: number;
  maxTimeConsumeContinuouslyMs: number;
  lockMaxLiveMs: number;
  /** Delay before a queue whose lock could not be had is tried again. */
  lockRetryMs: number;
  logger: Logger;
  /** Re-publishes a message whose reconsume times are used up (the broker DLQs it); false if that failed. */
  sendToDeadLetter(message: MessageExt): Promise<boolean>;
  updateOffset(queue: MessageQueue, queueOffset: number): void;
  /** Locks one queue at the broker now; true when this client holds it. */
  relock(queue: MessageQueue, processQueue: ProcessQueue): Promise<boolean>;
}

export class OrderlyConsumeService {
  /** Queues with a loop running or a resume scheduled: at most one per queue. */
  private readonly active = new Set<ProcessQueue>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly retryTopic: string;
  private stopped = false;

  constructor(private readonly options: OrderlyConsumeServiceOptions) {
    this.retryTopic = `%RETRY%${options.consumerGroup}`;
  }

  /** Pulled messages are in the process queue; starts the queue's loop unless one is active. */
  submit(_messages: readonly MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): void {
    if (this.stopped || this.active.has(processQueue)) return;
    this.active.add(processQueue);
    void this.run(processQueue, queue);
  }

  /** Stops taking batches, cancels resumes, waits (up to `timeoutMs`) for batches in the listener. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const inFlight = [...this.active].map((processQueue) => processQueue.inFlight).filter((p) => p !== null);
    this.active.clear();
    if (inFlight.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(inFlight),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); }),
    ]);
    clearTimeout(timer);
  }

  private async run(processQueue: ProcessQueue, queue: MessageQueue): Promise<void> {
    const startMs = Date.now();
    for (;;) {
      if (this.stopped || processQueue.dropped) {
        this.active.delete(processQueue);
        return;
      }
      if (this.options.clustering && !this.holdsLock(processQueue)) {
        void this.relockLater(processQueue, queue);
        return;
      }
      if (Date.now() - startMs > this.options.maxTimeConsumeContinuouslyMs) {
        this.resumeLater(processQueue, queue, SUSPEND_TIME_MS_MIN);
        return;
      }
      const batch = processQueue.takeMessages(this.options.batchMaxSize);
      if (batch.length === 0) {
        this.active.delete(processQueue);
        return;
      }
      const delayMs = await this.consume(batch, processQueue, queue);
      if (delayMs !== null) {
        this.resumeLater(processQueue, queue, delayMs);
        return;
      }
    }
  }

  private holdsLock(processQueue: ProcessQueue): boolean {
    return processQueue.locked && !processQueue.isLockExpired(Date.now(), this.options.lockMaxLiveMs);
  }

  private async relockLater(processQueue: ProcessQueue, queue: MessageQueue): Promise<void> {
    let locked = false;
    try {
      locked = await this.options.relock(queue, processQueue);
    } catch (error) {
      this.options.logger.warn({ err: error, queue }, 'orderly: relocking the queue failed');
    }
    this.resumeLater(processQueue, queue, locked ? SUSPEND_TIME_MS_MIN : this.options.lockRetryMs);
  }

  private resumeLater(processQueue: ProcessQueue, queue: MessageQueue, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(processQueue, queue);
    }, delayMs);
    this.timers.add(timer);
  }

  /**
   * Runs one batch; null to go on with the next, or the delay before the queue resumes.
   * `inFlight` covers the listener and the completion (DLQ sends, the offset update), so a
   * release waiting for it sees the batch's commit.
   */
  private async consume(batch: MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): Promise<number | null> {
    const work = this.consumeAndComplete(batch, processQueue, queue);
    processQueue.inFlight = work.then(() => undefined);
    try {
      return await work;
    } finally {
      processQueue.inFlight = null;
    }
  }

  private async consumeAndComplete(batch: MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): Promise<number | null> {
    const context: ConsumeOrderlyContext = { messageQueue: queue, autoCommit: true, suspendCurrentQueueTimeMillis: -1 };
    const startTimeText = String(Date.now());
    for (const message of batch) this.prepare(message, startTimeText);
    const status = await this.callListener(batch, context);
    processQueue.lastConsumeTimestampMs = Date.now();
    if (processQueue.dropped && !processQueue.releasing) return null;
    return this.complete(batch, status, context, processQueue, queue);
  }

  private async callListener(batch: MessageExt[], context: ConsumeOrderlyContext): Promise<ConsumeOrderlyStatus> {
    try {
      const status = await this.options.listener.consumeMessage(batch, context);
      return status ?? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    } catch (error) {
      this.options.logger.warn({ err: error, queue: context.messageQueue }, 'orderly consumeMessage threw; suspending the queue');
      return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    }
  }

  /** Retry-topic messages are shown with their original topic (reference §5.2). */
  private prepare(message: MessageExt, startTimeText: string): void {
    if (message.topic === this.retryTopic) {
      const original = message.properties[MessageProperty.RETRY_TOPIC];
      if (original !== undefined) message.topic = original;
    }
    message.setConsumeStartTime(startTimeText);
  }

  private async complete(
    batch: MessageExt[], status: ConsumeOrderlyStatus, context: ConsumeOrderlyContext, processQueue: ProcessQueue,
    queue: MessageQueue,
  ): Promise<number | null> {
    let commitOffset = -1;
    let delayMs: number | null = null;
    const suspendMs = this.suspendMs(context);
    if (status === ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT) {
      if (await this.keepSuspending(batch)) {
        processQueue.makeMessageToConsumeAgain(batch);
        delayMs = suspendMs;
      } else if (context.autoCommit) {
        commitOffset = processQueue.commit();
      }
    } else if (context.autoCommit || status === ConsumeOrderlyStatus.COMMIT) {
      commitOffset = processQueue.commit();
    } else if (status === ConsumeOrderlyStatus.ROLLBACK) {
      processQueue.rollback();
      delayMs = suspendMs;
    }
    if (commitOffset >= 0 && (!processQueue.dropped || processQueue.releasing)) {
      this.options.updateOffset(queue, commitOffset);
    }
    return delayMs;
  }

  private suspendMs(context: ConsumeOrderlyContext): number {
    const wanted = context.suspendCurrentQueueTimeMillis === -1
      ? this.options.suspendTimeMs
      : context.suspendCurrentQueueTimeMillis;
    return Math.min(SUSPEND_TIME_MS_MAX, Math.max(SUSPEND_TIME_MS_MIN, wanted));
  }

  /**
   * Java's checkReconsumeTimes: a message still under maxReconsumeTimes is retried (its count
   * goes up); one at the limit is sent to the DLQ. True while any message must be retried.
   */
  private async keepSuspending(batch: readonly MessageExt[]): Promise<boolean> {
    let suspend = false;
    for (const message of batch) {
      if (message.reconsumeTimes >= this.options.maxReconsumeTimes) {
        message.properties[MessageProperty.RECONSUME_TIME] = String(message.reconsumeTimes);
        if (!(await this.sendToDeadLetterSafely(message))) {
          suspend = true;
          message.reconsumeTimes += 1;
        }
      } else {
        suspend = true;
        message.reconsumeTimes += 1;
      }
    }
    return suspend;
  }

  private async sendToDeadLetterSafely(message: MessageExt): Promise<boolean> {
    try {
      return await this.options.sendToDeadLetter(message);
    } catch (error) {
      this.options.logger.warn({ err: error, msgId: message.msgId }, 'orderly: sending to the DLQ failed');
      return false;
    }
  }
}
