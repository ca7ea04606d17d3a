import { CompletionCode, type Completion } from './ring.js';

/**
 * Completions waiting for a flush (SYNC_FLUSH), oldest first; ends are increasing. A ring of
 * parallel typed arrays (no object per held append), doubled when full: it never holds more
 * than the producers' completion slots together.
 */
export class PendingSync {
  private capacity = 1024;
  private head = 0;
  private count = 0;
  private producer = new Int32Array(this.capacity);
  private sequence = new Int32Array(this.capacity);
  private recordCount = new Int32Array(this.capacity);
  private values = new Float64Array(this.capacity * 5);
  private readonly scratch: Completion = {
    sequence: 0, code: CompletionCode.OK, recordCount: 0, physicalOffset: 0, queueOffset: 0, storeTimestampMs: 0,
  };

  get size(): number {
    return this.count;
  }

  push(producer: number, completion: Completion, endPhysical: number, deadlineMs: number): void {
    this.pushFields(
      producer, completion.sequence, completion.recordCount, completion.physicalOffset, completion.queueOffset,
      completion.storeTimestampMs, endPhysical, deadlineMs,
    );
  }

  pushFields(
    producer: number, sequence: number, recordCount: number, physicalOffset: number, queueOffset: number,
    storeTimestampMs: number, endPhysical: number, deadlineMs: number,
  ): void {
    if (this.count === this.capacity) this.grow();
    const at = (this.head + this.count) & (this.capacity - 1);
    this.producer[at] = producer;
    this.sequence[at] = sequence;
    this.recordCount[at] = recordCount;
    const v = at * 5;
    this.values[v] = physicalOffset;
    this.values[v + 1] = queueOffset;
    this.values[v + 2] = storeTimestampMs;
    this.values[v + 3] = endPhysical;
    this.values[v + 4] = deadlineMs;
    this.count++;
  }

  /**
   * Releases every completion covered by `flushedPhysical` or past its deadline. `deliver` gets
   * a reused Completion: copy what it needs before returning.
   */
  release(flushedPhysical: number, nowMs: number, deliver: (producer: number, completion: Completion) => void): void {
    const done = this.scratch;
    while (this.count > 0) {
      const at = this.head;
      const v = at * 5;
      if ((this.values[v + 3] as number) <= flushedPhysical) {
        done.code = CompletionCode.OK;
      } else if ((this.values[v + 4] as number) <= nowMs) {
        done.code = CompletionCode.FLUSH_DISK_TIMEOUT;
      } else {
        break;
      }
      done.sequence = this.sequence[at] as number;
      done.recordCount = this.recordCount[at] as number;
      done.physicalOffset = this.values[v] as number;
      done.queueOffset = this.values[v + 1] as number;
      done.storeTimestampMs = this.values[v + 2] as number;
      this.head = (at + 1) & (this.capacity - 1);
      this.count--;
      deliver(this.producer[at] as number, done);
    }
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const producer = new Int32Array(capacity);
    const sequence = new Int32Array(capacity);
    const recordCount = new Int32Array(capacity);
    const values = new Float64Array(capacity * 5);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & (this.capacity - 1);
      producer[i] = this.producer[from] as number;
      sequence[i] = this.sequence[from] as number;
      recordCount[i] = this.recordCount[from] as number;
      values.set(this.values.subarray(from * 5, from * 5 + 5), i * 5);
    }
    this.capacity = capacity;
    this.head = 0;
    this.producer = producer;
    this.sequence = sequence;
    this.recordCount = recordCount;
    this.values = values;
  }
}
