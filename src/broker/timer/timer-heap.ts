/** One parked timer message: when it is due and where its record is. */
export interface TimerEntry {
  readonly deliverMs: number;
  readonly queueOffset: number;
  readonly physicalOffset: number;
}

/**
 * A binary min-heap of timer entries ordered by (deliverMs, queueOffset): the earliest due
 * first, and among equal times the one parked first. Array-backed, O(log n) push and pop.
 */
export class TimerHeap {
  private readonly items: TimerEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): TimerEntry | undefined {
    return this.items[0];
  }

  push(entry: TimerEntry): void {
    const items = this.items;
    items.push(entry);
    let index = items.length - 1;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as TimerEntry;
      if (!before(entry, parent)) break;
      items[index] = parent;
      index = parentIndex;
    }
    items[index] = entry;
  }

  pop(): TimerEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const leftIndex = 2 * index + 1;
      if (leftIndex >= items.length) break;
      const rightIndex = leftIndex + 1;
      const left = items[leftIndex] as TimerEntry;
      const right = items[rightIndex];
      const [childIndex, child] = right !== undefined && before(right, left) ? [rightIndex, right] : [leftIndex, left];
      if (!before(child, last)) break;
      items[index] = child;
      index = childIndex;
    }
    items[index] = last;
    return top;
  }
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.deliverMs < b.deliverMs || (a.deliverMs === b.deliverMs && a.queueOffset < b.queueOffset);
}
