import { assert } from '../common/assert.js';
import { FifoQueue } from '../common/fifo-queue.js';

/**
 * Per-connection outgoing WebSocket message queue with backpressure, following the safe pattern
 * of `reference/uws-notes.md` (two uWS 20.30 bugs live in its large-message send path):
 *
 * - send while the sink says "sent"; stop at the first other answer;
 * - "buffered" (uWS 0) means the message was accepted: never resend it;
 * - "dropped" (uWS 2) means it was NOT accepted: keep it at the head and resend it later;
 * - resume only from the sink's drain event, and then through `setImmediate`, never inside the
 *   drain callback itself (sending inside uWS's drain can leave the socket stalled forever);
 * - bounded: when queued bytes plus the sink's own buffer exceed `queueBytesMax` the consumer is
 *   not reading, and `onOverflow` is called (the owner closes the connection with that reason)
 *   instead of letting memory grow without limit.
 *
 * The uWS sink itself makes every send take uWS's copying path (`compress=true` with
 * compression disabled); the node:http + ws sink maps the socket's `writableNeedDrain` to
 * "buffered". Not thread-safe (one event loop owns it).
 */
export type SinkSendResult = 'sent' | 'buffered' | 'dropped';

export interface WsMessageSink {
  /** Hands one complete binary message to the socket layer. */
  trySend(message: Buffer): SinkSendResult;
  /** Bytes the socket layer holds that the kernel has not taken yet. */
  bufferedBytes(): number;
  /** Runs `work` with writes batched into as few syscalls as possible (uWS cork). */
  batch(work: () => void): void;
}

export interface WsSendQueueOptions {
  queueBytesMax: number;
  /** Called once when the bound is exceeded; the queue is closed (emptied) before the call. */
  onOverflow: (reason: string) => void;
}

export class WsSendQueue {
  private readonly messages = new FifoQueue<Buffer>();
  private queuedBytesValue = 0;
  private waitingForDrain = false;
  private resumeScheduled = false;
  private closed = false;
  private messagesSentCount = 0;

  constructor(
    private readonly sink: WsMessageSink,
    private readonly options: WsSendQueueOptions,
  ) {
    assert(options.queueBytesMax > 0, 'queueBytesMax must be > 0');
  }

  /** Bytes held here (not yet accepted by the sink). */
  get queuedBytes(): number {
    return this.queuedBytesValue;
  }

  /** Messages the sink accepted (sent or buffered), for tests and metrics. */
  get messagesSent(): number {
    return this.messagesSentCount;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends `messages` in order (batched), or queues what backpressure holds back. */
  enqueue(messages: readonly Buffer[]): void {
    if (this.closed || messages.length === 0) return;
    if (this.waitingForDrain || this.messages.size > 0) {
      for (const message of messages) this.push(message);
    } else {
      this.sink.batch(() => this.sendDirect(messages));
    }
    this.checkBound();
  }

  /** The sink's drain event: resume from the next loop turn, never inside the callback. */
  onDrain(): void {
    if (this.closed || this.resumeScheduled || !this.waitingForDrain) return;
    this.resumeScheduled = true;
    setImmediate(() => this.resume());
  }

  /** Drops everything queued; later enqueues are ignored. */
  close(): void {
    this.closed = true;
    this.messages.clear();
    this.queuedBytesValue = 0;
  }

  private sendDirect(messages: readonly Buffer[]): void {
    let index = 0;
    while (index < messages.length) {
      const result = this.sink.trySend(messages[index] as Buffer);
      if (result === 'dropped') {
        this.waitingForDrain = true;
        break;
      }
      index++;
      this.messagesSentCount++;
      if (result === 'buffered') {
        this.waitingForDrain = true;
        break;
      }
    }
    for (; index < messages.length; index++) this.push(messages[index] as Buffer);
  }

  private resume(): void {
    this.resumeScheduled = false;
    if (this.closed) return;
    this.waitingForDrain = false;
    this.sink.batch(() => {
      while (this.messages.size > 0) {
        const message = this.messages.peek();
        const result = this.sink.trySend(message);
        if (result === 'dropped') {
          this.waitingForDrain = true;
          return;
        }
        this.shift(message);
        this.messagesSentCount++;
        if (result === 'buffered') {
          this.waitingForDrain = true;
          return;
        }
      }
    });
    this.invariants();
  }

  private push(message: Buffer): void {
    this.messages.push(message);
    this.queuedBytesValue += message.length;
  }

  private shift(message: Buffer): void {
    this.messages.shift();
    this.queuedBytesValue -= message.length;
  }

  private checkBound(): void {
    const totalBytes = this.queuedBytesValue + this.sink.bufferedBytes();
    if (totalBytes <= this.options.queueBytesMax) return;
    const reason = `slow consumer: ${totalBytes} bytes waiting to be sent (max ${this.options.queueBytesMax})`;
    this.close();
    this.options.onOverflow(reason);
  }

  private invariants(): void {
    assert(this.queuedBytesValue >= 0, 'negative queued bytes');
    if (this.messages.size === 0) assert(this.queuedBytesValue === 0, 'bytes without messages');
  }
}

