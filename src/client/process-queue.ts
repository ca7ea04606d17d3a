import { assert } from '../common/assert.js';
import type { MessageExt } from './message.js';

/**
 * The messages pulled from one queue and not yet consumed (Java's ProcessQueue). Pulls of a
 * queue are sequential, so messages arrive in increasing queueOffset order; each pulled batch
 * is kept as it came (a run: the array, a removed flag per message, the index of its first
 * message still cached), runs in offset order. The first cached message of the first run is the
 * smallest offset still being processed, which is what the consumer commits (at-least-once,
 * reference §5.3). Bookkeeping is per batch: a put appends one run, a removal flips flags
 * found by binary search; no map entry per message (a Map of every cached message cost the
 * drain more than decoding them: hash-table churn and GC).
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
  /** Runs in offset order from `runsHead` on (earlier slots are cleared). */
  private runs: Run[] = [];
  private runsHead = 0;
  /** The index `locate` found, in the run it returned. */
  private locatedIndex = -1;
  /** Cached messages not in `consuming`. */
  private cachedCount = 0;
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
    return this.cachedCount + this.consuming.size;
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
    if (this.cachedCount === 0) return 0;
    return this.queueOffsetMax - this.firstOffset();
  }

  /** Adds pulled messages (in increasing queueOffset order); returns how many were new. */
  putMessages(messages: readonly MessageExt[]): number {
    let fresh = messages;
    if (messages.length > 0 && (messages[0] as MessageExt).queueOffset <= this.queueOffsetMax) {
      fresh = messages.filter((message) => message.queueOffset > this.queueOffsetMax || !this.isCached(message.queueOffset));
    }
    let previous = this.queueOffsetMax;
    let bytes = 0;
    for (const message of fresh) {
      assert(message.queueOffset > previous, 'pulled messages must arrive in offset order');
      previous = message.queueOffset;
      bytes += message.body.length;
    }
    if (fresh.length === 0) return 0;
    // Our own copy: the caller's array also goes to the listener (or a lite consumer's poll).
    this.runs.push(new Run(fresh === messages ? messages.slice() : fresh));
    this.queueOffsetMax = previous;
    this.cachedCount += fresh.length;
    this.bodyBytes += bytes;
    this.invariants();
    return fresh.length;
  }

  /**
   * Removes consumed messages and returns the offset to commit: the smallest offset still
   * cached, or max + 1 when nothing is left; -1 if nothing was ever cached.
   */
  removeMessages(messages: readonly MessageExt[]): number {
    // A consumed batch is usually a slice of one run: after the first message is found, each
    // next one is checked at the next index before searching again.
    let run: Run | null = null;
    let index = -1;
    for (const message of messages) {
      const queueOffset = message.queueOffset;
      if (run !== null && run.messages[index + 1]?.queueOffset === queueOffset) {
        index++;
      } else {
        run = this.locate(queueOffset);
        if (run === null) continue;
        index = this.locatedIndex;
      }
      if (run.isRemoved(index)) continue;
      this.bodyBytes -= run.remove(index).body.length;
      this.cachedCount--;
    }
    this.dropConsumedRuns();
    this.invariants();
    if (this.cachedCount > 0) return this.firstOffset();
    return this.queueOffsetMax < 0 ? -1 : this.queueOffsetMax + 1;
  }

  /** Orderly: moves up to `count` messages from the front into the consuming set, in offset order. */
  takeMessages(count: number): MessageExt[] {
    const taken: MessageExt[] = [];
    for (let r = this.runsHead; r < this.runs.length && taken.length < count; r++) {
      const run = this.runs[r] as Run;
      for (let index = run.first; index < run.messages.length && taken.length < count; index++) {
        if (run.isRemoved(index)) continue;
        const message = run.remove(index);
        this.cachedCount--;
        taken.push(message);
        this.consuming.set(message.queueOffset, message);
      }
    }
    this.dropConsumedRuns();
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

  /** Rare (orderly retries): rebuilds one run of the cached messages and `back`, in offset order. */
  private putBack(back: readonly MessageExt[]): void {
    if (back.length === 0) return;
    const merged = [...back];
    for (let r = this.runsHead; r < this.runs.length; r++) (this.runs[r] as Run).collect(merged);
    merged.sort((a, b) => a.queueOffset - b.queueOffset);
    this.runs = [new Run(merged)];
    this.runsHead = 0;
    this.cachedCount = merged.length;
  }

  /** Forgets every cached message and the offset order (seek: the queue restarts elsewhere). */
  clear(): void {
    this.runs = [];
    this.runsHead = 0;
    this.cachedCount = 0;
    this.consuming.clear();
    this.bodyBytes = 0;
    this.queueOffsetMax = -1;
  }

  private isCached(queueOffset: number): boolean {
    return this.locate(queueOffset) !== null;
  }

  /**
   * The run of the cached (not removed) message at `queueOffset`, its index left in
   * `locatedIndex` (no pair allocated per message); null when there is none.
   */
  private locate(queueOffset: number): Run | null {
    let low = this.runsHead;
    let high = this.runs.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const run = this.runs[middle] as Run;
      if (queueOffset < run.firstOffset) high = middle - 1;
      else if (queueOffset > run.lastOffset) low = middle + 1;
      else {
        const index = run.indexOf(queueOffset);
        if (index < 0 || run.isRemoved(index)) return null;
        this.locatedIndex = index;
        return run;
      }
    }
    return null;
  }

  /** Drops fully consumed runs from the front (their slots are cleared: nothing retained). */
  private dropConsumedRuns(): void {
    while (this.runsHead < this.runs.length && (this.runs[this.runsHead] as Run).empty) {
      this.runs[this.runsHead] = EMPTY_RUN;
      this.runsHead++;
    }
    if (this.runsHead === this.runs.length) {
      this.runs = [];
      this.runsHead = 0;
    } else if (this.runsHead > 64 && this.runsHead * 2 > this.runs.length) {
      this.runs = this.runs.slice(this.runsHead);
      this.runsHead = 0;
    }
  }

  private firstOffset(): number {
    assert(this.runsHead < this.runs.length, 'firstOffset of an empty queue');
    return (this.runs[this.runsHead] as Run).firstLiveOffset;
  }

  private invariants(): void {
    assert(this.bodyBytes >= 0, 'cached bytes went negative');
    if (this.messageCount === 0) assert(this.bodyBytes === 0, 'empty queue with cached bytes');
  }
}

/** One pulled batch in the process queue: its messages in offset order and which are gone. */
class Run {
  private readonly removed: Uint8Array;
  private live: number;
  /** Index of the first message not removed (messages.length when none is left). */
  first = 0;
  readonly firstOffset: number;
  readonly lastOffset: number;

  constructor(readonly messages: readonly MessageExt[]) {
    this.removed = new Uint8Array(messages.length);
    this.live = messages.length;
    this.firstOffset = messages.length === 0 ? 0 : (messages[0] as MessageExt).queueOffset;
    this.lastOffset = messages.length === 0 ? -1 : (messages[messages.length - 1] as MessageExt).queueOffset;
  }

  get empty(): boolean {
    return this.live === 0;
  }

  get firstLiveOffset(): number {
    return (this.messages[this.first] as MessageExt).queueOffset;
  }

  isRemoved(index: number): boolean {
    return this.removed[index] === 1;
  }

  /** Index of `queueOffset` (binary search; offsets increase, with gaps), or -1. */
  indexOf(queueOffset: number): number {
    let low = this.first;
    let high = this.messages.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = (this.messages[middle] as MessageExt).queueOffset;
      if (at === queueOffset) return middle;
      if (at < queueOffset) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Marks the (not yet removed) message at `index` removed and returns it. */
  remove(index: number): MessageExt {
    assert(this.removed[index] === 0, 'message removed twice');
    this.removed[index] = 1;
    this.live--;
    while (this.first < this.messages.length && this.removed[this.first] === 1) this.first++;
    return this.messages[index] as MessageExt;
  }

  /** Appends the messages still cached to `out`. */
  collect(out: MessageExt[]): void {
    for (let index = this.first; index < this.messages.length; index++) {
      if (this.removed[index] === 0) out.push(this.messages[index] as MessageExt);
    }
  }
}

const EMPTY_RUN = new Run([]);
