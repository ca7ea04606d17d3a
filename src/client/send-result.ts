import { formatQueue, type MessageQueue } from './message-queue.js';

/**
 * The outcome of a send (Java's SendResult). Every status means the broker stored the message;
 * the non-OK ones say a flush or replication did not finish in time (reference §2.3).
 */
export const SendStatus = {
  SEND_OK: 'SEND_OK',
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
} as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

export class SendResult {
  constructor(
    readonly sendStatus: SendStatus,
    /** The client message id (UNIQ_KEY; comma-joined for a batch). */
    readonly msgId: string,
    /** The broker's offset message id (comma-joined for a batch). */
    readonly offsetMsgId: string,
    readonly messageQueue: MessageQueue,
    /** Consume-queue offset of the (first) message. */
    readonly queueOffset: number,
    readonly regionId: string = 'DefaultRegion',
    readonly traceOn: boolean = true,
    readonly transactionId: string | undefined = undefined,
  ) {}

  toString(): string {
    return `SendResult [sendStatus=${this.sendStatus}, msgId=${this.msgId}, offsetMsgId=${this.offsetMsgId}, `
      + `messageQueue=${formatQueue(this.messageQueue)}, queueOffset=${this.queueOffset}]`;
  }
}

/** Callback form of `send` (Java's SendCallback). */
export interface SendCallback {
  onSuccess(result: SendResult): void;
  onException(error: Error): void;
}
