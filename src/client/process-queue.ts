import { assert } from '../common/assert.js';
import type { MessageExt } from './message.js';

/**
 * The messages pulled from one queue and not yet consumed (Java's ProcessQueue). Pulls of a
 * queue are sequential, so messages arrive in increasing queueOffset order and a Map keeps them
 * sorted by insertion: the first key is always the smallest offset still being processed,
 * which is what the consumer commits (at-least-once, reference §5.3).
 *
 * Owned by the push consumer's event loop; not shared across threads.
 */
export class ProcessQueue {
  private readonly messages = new Map<number, MessageExt>();
  private bodyBytes = 0;
  /** Highest queueOffset ever put, -1 before the first. */
  private queueOffsetMax = -1;
  /** Set when the queue is reassigned or its offset was corrected: stop pulling, drop results. */
  dropped = false;
  lastPullTimestampMs = 0;
  lastConsumeTimestampMs = 0;

  get messageCount(): number {
    return this.messages.size;
  }

  get messageBytes(): number {
    return this.bodyBytes;
  }

  /** Smallest and largest cached offsets (span is what flow control limits). */
  get offsetSpan(): number {
    if (this.messages.size === 0) return 0;
    return this.queueOffsetMax - this.firstOffset();
  }

  /** Adds pulled messages (in increasing queueOffset order); returns how many were new. */
  putMessages(messages: readonly MessageExt[]): number {
    let added = 0;
    for (const message of messages) {
      if (this.messages.has(message.queueOffset)) continue;
      assert(message.queueOffset > this.queueOffsetMax, 'pulled messages must arrive in offset order');
      this.messages.set(message.queueOffset, message);
      this.queueOffsetMax = message.queueOffset;
      this.bodyBytes += message.body.length;
      added++;
    }
    this.invariants();
    return added;
  }

  /**
   * Removes consumed messages and returns the offset to commit: the smallest offset still
   * cached, or max + 1 when nothing is left; -1 if nothing was ever cached.
   */
  removeMessages(messages: readonly MessageExt[]): number {
    for (const message of messages) {
      const cached = this.messages.get(message.queueOffset);
      if (cached === undefined) continue;
      this.messages.delete(message.queueOffset);
      this.bodyBytes -= cached.body.length;
    }
    this.invariants();
    if (this.messages.size > 0) return this.firstOffset();
    return this.queueOffsetMax < 0 ? -1 : this.queueOffsetMax + 1;
  }

  /** Forgets every cached message and the offset order (seek: the queue restarts elsewhere). */
  clear(): void {
    this.messages.clear();
    this.bodyBytes = 0;
    this.queueOffsetMax = -1;
  }

  private firstOffset(): number {
    const first = this.messages.keys().next();
    assert(first.done !== true, 'firstOffset of an empty queue');
    return first.value;
  }

  private invariants(): void {
    assert(this.bodyBytes >= 0, 'cached bytes went negative');
    if (this.messages.size === 0) assert(this.bodyBytes === 0, 'empty queue with cached bytes');
  }
}
