import { assert } from '../common/assert.js';
import type { MessageExt } from './message.js';

/**
 * The messages pulled from one queue and not yet consumed (Java's ProcessQueue). Pulls of a
 * queue are sequential, so messages arrive in increasing queueOffset order and a Map keeps them
 * sorted by insertion: the first key is always the smallest offset still being processed,
 * which is what the consumer commits (at-least-once, reference §5.3).
 *
 * Orderly consumers (reference §5.5) take batches from the front (`takeMessages`) into the
 * `consuming` map, then `commit` (the offset after the batch), or put them back
 * (`makeMessageToConsumeAgain`, `rollback`) to be consumed again in the same order. They also
 * track the broker lock of the queue (`locked`, `lastLockTimestampMs`) and the batch in the
 * listener (`inFlight`), which a release waits for.
 *
 * Owned by the push consumer's event loop; not shared across threads.
 */
export class ProcessQueue {
  private messages = new Map<number, MessageExt>();
  /** Orderly: handed to the listener, not yet committed (Java's consumingMsgOrderlyTreeMap). */
  private readonly consuming = new Map<number, MessageExt>();
  private bodyBytes = 0;
  /** Highest queueOffset ever put, -1 before the first. */
  private queueOffsetMax = -1;
  /** Set when the queue is reassigned or its offset was corrected: stop pulling, drop results. */
  dropped = false;
  lastPullTimestampMs = 0;
  lastConsumeTimestampMs = 0;
  /** Orderly, clustering: the broker granted this client the queue's lock. */
  locked = false;
  lastLockTimestampMs = 0;
  /** Orderly: dropped because the queue moved to another consumer; the batch in flight still commits. */
  releasing = false;
  /** Orderly: settles when the batch now in the listener is done (null when none is). */
  inFlight: Promise<void> | null = null;

  /** Cached messages, the ones in an orderly listener included. */
  get messageCount(): number {
    return this.messages.size + this.consuming.size;
  }

  /** The client treats its lock as expired after this long without a renewal (Java: 30 s). */
  isLockExpired(nowMs: number, lockMaxLiveMs: number): boolean {
    return nowMs - this.lastLockTimestampMs > lockMaxLiveMs;
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
      // Past the highest offset ever put it cannot be cached yet (one map lookup, not two).
      if (message.queueOffset <= this.queueOffsetMax && this.messages.has(message.queueOffset)) continue;
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

  /** Orderly: moves up to `count` messages from the front into the consuming set, in offset order. */
  takeMessages(count: number): MessageExt[] {
    const taken: MessageExt[] = [];
    for (const [queueOffset, message] of this.messages) {
      if (taken.length >= count) break;
      taken.push(message);
      this.messages.delete(queueOffset);
      this.consuming.set(queueOffset, message);
    }
    return taken;
  }

  /** Orderly: the consuming set is done; returns the offset after it (-1 when it was empty). */
  commit(): number {
    let lastOffset = -1;
    for (const [queueOffset, message] of this.consuming) {
      lastOffset = Math.max(lastOffset, queueOffset);
      this.bodyBytes -= message.body.length;
    }
    this.consuming.clear();
    this.invariants();
    return lastOffset < 0 ? -1 : lastOffset + 1;
  }

  /** Orderly: these messages go back to the front, to be consumed again in offset order. */
  makeMessageToConsumeAgain(messages: readonly MessageExt[]): void {
    const back: MessageExt[] = [];
    for (const message of messages) {
      if (this.consuming.delete(message.queueOffset)) back.push(message);
    }
    this.putBack(back);
  }

  /** Orderly: everything consuming goes back (ROLLBACK without auto-commit). */
  rollback(): void {
    const back = [...this.consuming.values()];
    this.consuming.clear();
    this.putBack(back);
  }

  private putBack(back: readonly MessageExt[]): void {
    if (back.length === 0) return;
    const merged = [...back, ...this.messages.values()].sort((a, b) => a.queueOffset - b.queueOffset);
    this.messages = new Map(merged.map((message) => [message.queueOffset, message]));
  }

  /** Forgets every cached message and the offset order (seek: the queue restarts elsewhere). */
  clear(): void {
    this.messages.clear();
    this.consuming.clear();
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
    if (this.messageCount === 0) assert(this.bodyBytes === 0, 'empty queue with cached bytes');
  }
}
