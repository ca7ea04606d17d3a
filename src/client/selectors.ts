import { createHash } from 'node:crypto';
import type { Message } from './message.js';
import type { MessageQueue } from './message-queue.js';

/**
 * Picks the queue for `send(msg, selector, arg)` (ordered messages: same arg, same queue).
 * A function or an object with `select`, mirroring Java's MessageQueueSelector.
 */
export type MessageQueueSelectorFn<A> = (queues: readonly MessageQueue[], message: Message, arg: A) => MessageQueue;
export interface MessageQueueSelectorObject<A> {
  select(queues: readonly MessageQueue[], message: Message, arg: A): MessageQueue;
}
export type MessageQueueSelector<A = unknown> = MessageQueueSelectorFn<A> | MessageQueueSelectorObject<A>;

export function runSelector<A>(
  selector: MessageQueueSelector<A>,
  queues: readonly MessageQueue[],
  message: Message,
  arg: A,
): MessageQueue {
  return typeof selector === 'function' ? selector(queues, message, arg) : selector.select(queues, message, arg);
}

/** Java's SelectMessageQueueByHash: |hashCode(arg)| % n; numbers select by value. */
export const selectMessageQueueByHash: MessageQueueSelectorFn<unknown> = (queues, _message, arg) => {
  const value = typeof arg === 'number' ? Math.trunc(arg) : hashOf(String(arg));
  const index = Math.abs(value % queues.length);
  return queues[index] as MessageQueue;
};

/** Java's SelectMessageQueueByRandom. */
export const selectMessageQueueByRandom: MessageQueueSelectorFn<unknown> = (queues) =>
  queues[Math.floor(Math.random() * queues.length)] as MessageQueue;

function hashOf(text: string): number {
  return createHash('md5').update(text).digest().readInt32BE(0);
}
