import { setTimeout as sleep } from 'node:timers/promises';
import { assert, AssertionError } from '../common/assert.js';
import type { Logger } from '../common/log.js';
import { PullStatus, PullSysFlag, pullMessage, type PullResponse } from './client-api.js';
import type { ClientInstance } from './client-instance.js';
import type { MessageExt } from './message.js';
import { decodePulledMessages } from './message-decode.js';
import type { MessageQueue } from './message-queue.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import { ExpressionType, type SubscriptionData, tagMatches } from './subscription.js';
import { tagsOf } from './pulled-message.js';
import { MASTER_ID } from './topic-route.js';

/**
 * The pull loop of one owned queue (Java's PullMessageService + pullMessage callback): long-poll
 * PULL_MESSAGE (suspend 15 s, socket timeout 30 s), hand found messages to the sink, follow
 * nextBeginOffset, back off when the process queue is over its limits (flow control) or after
 * an error, and on OFFSET_ILLEGAL adopt the corrected offset and give the queue back to the
 * rebalancer (reference §5.8). One loop per queue; it ends when the queue is dropped.
 */
export interface PullSettings {
  pullBatchSize: number;
  pullIntervalMs: number;
  pullThresholdForQueue: number;
  pullThresholdSizeForQueueBytes: number;
  consumeConcurrentlyMaxSpan: number;
  pullTimeDelayMsWhenException: number;
  flowControlDelayMs: number;
  brokerSuspendMaxTimeMs: number;
  consumerTimeoutMsWhenSuspend: number;
}

export interface PullHost {
  readonly instance: ClientInstance;
  readonly group: string;
  readonly clustering: boolean;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly settings: PullSettings;
  subscription(topic: string): SubscriptionData | undefined;
  /** Gives pulled (tag-filtered) messages to the consumer; they are already in the process queue. */
  deliver(messages: MessageExt[], processQueue: ProcessQueue, queue: MessageQueue): void;
  /** The queue's offset moved: give it back to the rebalancer. */
  offsetMoved(queue: MessageQueue): void;
  /** False once the consumer is shutting down. */
  isRunning(): boolean;
  /** > 0 to hold pulling the queue that long (orderly: its broker lock is not held). */
  pullPauseMs?(processQueue: ProcessQueue): number;
  /**
   * True while the consumer is suspended (push `suspend()`) or the queue paused (lite pull
   * `pause(queues)`): no new pull goes out; the task parks on `pullGate` until it is opened.
   */
  pullSuspended?(queue: MessageQueue): boolean;
  readonly pullGate?: PullGate;
}

/**
 * Where suspended pull tasks park: `wait()` settles at the next `open()` (a resume, or a
 * shutdown), and each woken task checks again whether its queue may pull. RocketMQ re-checks a
 * suspended consumer every 1000 ms (PULL_TIME_DELAY_MILLS_WHEN_SUSPEND); parking restarts the
 * pulls at once.
 */
export class PullGate {
  private parked: Promise<void> | null = null;
  private release: (() => void) | null = null;

  wait(): Promise<void> {
    if (this.parked === null) this.parked = new Promise<void>((resolve) => { this.release = resolve; });
    return this.parked;
  }

  open(): void {
    const release = this.release;
    this.parked = null;
    this.release = null;
    release?.();
  }
}

export class PullTask {
  private suggestedBrokerId = MASTER_ID;
  /** Bumped by seek(): a pull answered after a seek is ignored. */
  private generation = 0;

  constructor(
    private readonly host: PullHost,
    private readonly queue: MessageQueue,
    private readonly processQueue: ProcessQueue,
    private nextOffset: number,
  ) {}

  /**
   * Runs until the queue is dropped or the consumer stops. Never rejects. As RocketMQ's pull
   * callback does, the next pull goes out before the listener gets the messages just pulled
   * (they are delivered from a setImmediate queued after the request's socket flush), so the
   * broker reads the next batch while this one is consumed. While the host is suspended no
   * pull is sent (one already sent completes and is delivered) and the loop parks on its gate.
   */
  async run(): Promise<void> {
    const settings = this.host.settings;
    let next: InFlightPull | null = null;
    while (this.active()) {
      if (next === null) {
        if (this.suspended()) {
          const gate = this.host.pullGate;
          assert(gate !== undefined, 'a host that suspends pulls has a pull gate');
          await gate.wait();
          continue;
        }
        const delayMs = this.flowControlDelayMs();
        if (delayMs > 0) {
          await sleep(delayMs, undefined, { ref: false });
          continue;
        }
        next = this.startPull();
      }
      const { generation, response: pending } = next;
      next = null;
      let response: PullResponse;
      try {
        response = await pending;
      } catch (error) {
        // A bug is never retried away (STYLE §5): let it crash.
        if (error instanceof AssertionError) throw error;
        if (!this.active()) break;
        this.host.logger.warn({ err: error, queue: this.queue }, 'pull failed; retrying later');
        await sleep(settings.pullTimeDelayMsWhenException, undefined, { ref: false });
        continue;
      }
      if (!this.active()) break;
      const fresh = generation === this.generation ? this.handle(response) : null;
      if (fresh !== null && settings.pullIntervalMs === 0 && this.flowControlDelayMs() === 0 && !this.suspended()) {
        next = this.startPull();
        this.deliverSoon(fresh, generation);
        continue;
      }
      if (fresh !== null) this.host.deliver(fresh, this.processQueue, this.queue);
      if (settings.pullIntervalMs > 0) await sleep(settings.pullIntervalMs, undefined, { ref: false });
    }
  }

  /** Delivers after the pending socket flush; not if a seek (new generation) or a drop came since the pull. */
  private deliverSoon(messages: MessageExt[], generation: number): void {
    setImmediate(() => {
      if (generation !== this.generation || this.processQueue.dropped) return;
      this.host.deliver(messages, this.processQueue, this.queue);
    });
  }

  private startPull(): InFlightPull {
    return { generation: this.generation, response: this.pullOnce() };
  }

  /** Moves the pull position (lite pull consumer's seek); cached messages are discarded. */
  seek(queueOffset: number): void {
    this.generation++;
    this.nextOffset = queueOffset;
    this.processQueue.clear();
  }

  /** Suspended by the consumer (a pull already sent still completes and is delivered). */
  private suspended(): boolean {
    return this.host.pullSuspended?.(this.queue) ?? false;
  }

  private active(): boolean {
    return !this.processQueue.dropped && this.host.isRunning();
  }

  private flowControlDelayMs(): number {
    const settings = this.host.settings;
    const processQueue = this.processQueue;
    const pauseMs = this.host.pullPauseMs?.(processQueue) ?? 0;
    if (pauseMs > 0) return pauseMs;
    if (processQueue.messageCount > settings.pullThresholdForQueue) return settings.flowControlDelayMs;
    if (processQueue.messageBytes > settings.pullThresholdSizeForQueueBytes) return settings.flowControlDelayMs;
    if (processQueue.offsetSpan > settings.consumeConcurrentlyMaxSpan) return settings.flowControlDelayMs;
    return 0;
  }

  private async pullOnce(): Promise<PullResponse> {
    const { instance, settings } = this.host;
    const subscription = this.host.subscription(this.queue.topic);
    let address = instance.subscribeAddress(this.queue.brokerName, this.suggestedBrokerId);
    if (address === undefined) {
      await instance.updateRoute(this.queue.topic);
      address = instance.subscribeAddress(this.queue.brokerName, this.suggestedBrokerId);
      if (address === undefined) throw new Error(`no address for broker ${this.queue.brokerName}`);
    }
    const commitOffset = this.host.clustering ? this.host.offsetStore.memoryOffset(this.queue) : -1;
    let sysFlag = PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION;
    if (commitOffset > 0) sysFlag |= PullSysFlag.COMMIT_OFFSET;
    this.processQueue.lastPullTimestampMs = Date.now();
    return pullMessage(instance.brokerRemoting, address, {
      consumerGroup: this.host.group, topic: this.queue.topic, queueId: this.queue.queueId,
      queueOffset: this.nextOffset, maxMsgNums: settings.pullBatchSize, sysFlag,
      commitOffset: Math.max(commitOffset, 0), suspendTimeoutMillis: settings.brokerSuspendMaxTimeMs,
      subscription: subscription?.subString ?? '*', subVersion: subscription?.subVersion ?? 0,
      expressionType: subscription?.expressionType ?? 'TAG', brokerName: this.queue.brokerName,
    }, settings.consumerTimeoutMsWhenSuspend);
  }

  /** Follows the answer; returns the new messages to deliver (already in the process queue), or null. */
  private handle(response: PullResponse): MessageExt[] | null {
    this.suggestedBrokerId = response.suggestWhichBrokerId;
    switch (response.status) {
      case PullStatus.FOUND:
        return this.found(response);
      case PullStatus.NO_NEW_MSG:
      case PullStatus.NO_MATCHED_MSG:
        this.nextOffset = response.nextBeginOffset;
        if (this.processQueue.messageCount === 0) this.host.offsetStore.updateOffset(this.queue, this.nextOffset, true);
        return null;
      case PullStatus.OFFSET_ILLEGAL:
        this.host.logger.warn({ queue: this.queue, from: this.nextOffset, to: response.nextBeginOffset }, 'pull offset illegal; correcting');
        this.nextOffset = response.nextBeginOffset;
        this.processQueue.dropped = true;
        this.host.offsetStore.updateOffset(this.queue, this.nextOffset, false);
        this.host.offsetMoved(this.queue);
        return null;
    }
  }

  /**
   * Decodes the records (lazily: ./pulled-message.ts), re-checks the exact tag as RocketMQ's
   * client does (the broker filters by tag hash code), drops records before the requested
   * offset, and puts the rest in the process queue.
   */
  private found(response: PullResponse): MessageExt[] | null {
    const previousOffset = this.nextOffset;
    this.nextOffset = response.nextBeginOffset;
    if (response.body === null || response.body.length === 0) return null;
    const pulled = decodePulledMessages(response.body, this.queue.brokerName, response.minOffset, response.maxOffset, this.queue.topic);
    const subscription = this.host.subscription(this.queue.topic);
    const matching = subscription === undefined || !filtersByTag(subscription)
      ? pulled
      : pulled.filter((message) => tagMatches(subscription, tagsOf(message)));
    const fresh = (matching[0]?.queueOffset ?? previousOffset) >= previousOffset
      ? matching
      : matching.filter((message) => message.queueOffset >= previousOffset);
    if (fresh.length === 0) {
      if (this.processQueue.messageCount === 0) this.host.offsetStore.updateOffset(this.queue, this.nextOffset, true);
      return null;
    }
    this.processQueue.putMessages(fresh);
    return fresh;
  }
}

interface InFlightPull {
  /** The task's generation when the pull was sent (a seek since makes its answer stale). */
  readonly generation: number;
  readonly response: Promise<PullResponse>;
}

/** True when the client must re-check tags (a TAG subscription naming tags). */
function filtersByTag(subscription: SubscriptionData): boolean {
  return subscription.expressionType === ExpressionType.TAG && subscription.tagsSet.length > 0;
}
