import { ErrorCode, PetrelError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import type { BrokerRemoting } from './broker-remoting.js';
import { isSendRetriable } from './errors.js';
import type { Message } from './message.js';
import type { MessageQueue } from './message-queue.js';
import type { PreparedMessage } from './send-encode.js';
import type { SendRequestCommand } from './send-frame.js';
import { type SendResult, SendStatus } from './send-result.js';
import { type SendResponse, sendResultOf } from './send-response.js';
import type { SendWaiter } from './send-table.js';
import type { TopicPublishInfo } from './topic-route.js';

/** What a SendCall sends: a Message, or an accumulated batch (send-accumulator.ts). */
export interface SendSubject {
  readonly topic: string;
}

/**
 * What a SendCall needs from its Producer (implemented once per producer, not per send).
 * Throwing members throw PetrelErrors the call turns into a rejection.
 */
export interface SendHost<M extends SendSubject = Message> {
  readonly logger: Logger;
  readonly remoting: BrokerRemoting;
  readonly retryAnotherBrokerWhenNotStoreOK: boolean;
  /** Throws when the producer is not running or the message is invalid. */
  check(message: M): void;
  /** The cached publish info when usable (no promise on the hot path). */
  usableInfo(topic: string): TopicPublishInfo | undefined;
  publishInfo(topic: string): Promise<TopicPublishInfo>;
  prepare(message: M): PreparedMessage;
  /** The SEND for `queue`, born at `nowMs`. */
  command(message: M, prepared: PreparedMessage, queue: MessageQueue, nowMs: number): SendRequestCommand;
  masterAddress(brokerName: string): string | undefined;
  brokerAddress(queue: MessageQueue): Promise<string>;
  /** Queue selection's filter for a first attempt. */
  readonly avoidBroker: (brokerName: string) => boolean;
  brokerUsable(brokerName: string): boolean;
  recordOutcome(brokerName: string, latencyMs: number, failed: boolean): void;
}

/**
 * One synchronous-style send (Java's sendDefaultImpl): up to `retries` + 1 attempts within
 * `timeoutMs` overall, a retry going to another broker, brokers that failed recently avoided.
 * It is itself the waiter of each attempt's SEND (`BrokerRemoting.invokeSend`), so a send costs
 * this object, its command and the caller's promise: no async function frames, no closure per
 * attempt on the hot path. `done` / `failed` are the caller's promise resolvers (or the
 * callback form's onSuccess / onException).
 */
export class SendCall<M extends SendSubject = Message> implements SendWaiter<SendResponse> {
  private info: TopicPublishInfo | null = null;
  private prepared: PreparedMessage | null = null;
  private queue: MessageQueue | null = null;
  private startMs = 0;
  private attemptStartMs = 0;
  private attempt = 0;
  private lastBroker: string | undefined;
  private lastError: unknown;

  constructor(
    private readonly host: SendHost<M>,
    private readonly message: M,
    private readonly timeoutMs: number,
    private readonly retries: number,
    private readonly done: (result: SendResult) => void,
    private readonly failed: (error: Error) => void,
  ) {}

  start(): void {
    try {
      this.host.check(this.message);
    } catch (error) {
      this.failed(error as Error);
      return;
    }
    const nowMs = Date.now();
    this.startMs = nowMs;
    const info = this.host.usableInfo(this.message.topic);
    if (info !== undefined) {
      this.begin(info, nowMs);
      return;
    }
    this.host.publishInfo(this.message.topic).then((found) => this.begin(found), (error: unknown) => this.failed(error as Error));
  }

  onResponse(response: SendResponse): void {
    const queue = this.queue as MessageQueue;
    let result: SendResult;
    try {
      result = sendResultOf(response, queue, (this.prepared as PreparedMessage).uniqKey);
    } catch (error) {
      this.onError(error as PetrelError);
      return;
    }
    this.host.recordOutcome(queue.brokerName, Date.now() - this.attemptStartMs, false);
    if (result.sendStatus !== SendStatus.SEND_OK && this.host.retryAnotherBrokerWhenNotStoreOK && this.attempt < this.retries) {
      this.lastBroker = queue.brokerName;
      this.attempt++;
      this.next();
      return;
    }
    this.done(result);
  }

  onError(error: PetrelError): void {
    const queue = this.queue as MessageQueue;
    this.host.recordOutcome(queue.brokerName, Date.now() - this.attemptStartMs, true);
    this.host.logger.warn({ err: error, attempt: this.attempt, broker: queue.brokerName, topic: this.message.topic }, 'send failed');
    if (!isSendRetriable(error)) {
      this.failed(error);
      return;
    }
    this.lastError = error;
    this.lastBroker = queue.brokerName;
    this.attempt++;
    this.next();
  }

  private begin(info: TopicPublishInfo, nowMs?: number): void {
    this.info = info;
    try {
      this.prepared = this.host.prepare(this.message);
    } catch (error) {
      this.failed(error as Error);
      return;
    }
    this.next(nowMs);
  }

  /** Starts attempt number `this.attempt`, or gives up. One clock read per attempt. */
  private next(nowMs = Date.now()): void {
    const remainingMs = this.timeoutMs - (nowMs - this.startMs);
    if (this.attempt > this.retries || remainingMs <= 0) {
      this.giveUp();
      return;
    }
    const info = this.info as TopicPublishInfo;
    const lastBroker = this.lastBroker;
    const queue = lastBroker === undefined
      ? info.select(this.host.avoidBroker)
      : info.select((broker) => broker === lastBroker || !this.host.brokerUsable(broker));
    this.queue = queue;
    this.attemptStartMs = nowMs;
    const address = this.host.masterAddress(queue.brokerName);
    if (address !== undefined) {
      this.send(address, remainingMs);
      return;
    }
    this.host.brokerAddress(queue).then((found) => this.send(found, remainingMs), (error: unknown) => this.onError(error as PetrelError));
  }

  private send(address: string, remainingMs: number): void {
    const command = this.host.command(this.message, this.prepared as PreparedMessage, this.queue as MessageQueue,
      this.attemptStartMs);
    this.host.remoting.invokeSend(address, command, remainingMs, this);
  }

  private giveUp(): void {
    if (this.lastError !== undefined) {
      this.failed(this.lastError as Error);
      return;
    }
    this.failed(new PetrelError(ErrorCode.ERR_REMOTING_TIMEOUT,
      `send to ${this.message.topic} timed out after ${this.timeoutMs} ms`, { retriable: true }));
  }
}
