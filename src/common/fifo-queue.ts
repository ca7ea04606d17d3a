import { assert } from './assert.js';

/** Taken entries before the head that make compaction worth a splice. */
const COMPACT_AFTER_TAKEN = 1024;

/**
 * A first-in first-out queue over one array with a moving head: `shift` is O(1) (no
 * `Array.prototype.shift` per element), a taken slot is cleared at once so its element can be
 * collected, and the array is compacted when it empties or when at least half of it (and 1,024
 * slots) lies before the head. Used by the broker's send queue and the WebSocket send queue.
 */
export class FifoQueue<T> {
  private readonly items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest element; the queue must not be empty. */
  peek(): T {
    assert(this.size > 0, 'peek on an empty queue');
    return this.items[this.head] as T;
  }

  /** Removes and returns the oldest element; the queue must not be empty. */
  shift(): T {
    const item = this.peek();
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER_TAKEN && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}
