import { assert } from '../../common/assert.js';

/** One consumer offset piggy-backed on a pull (PullSysFlag.COMMIT_OFFSET). */
export interface CommittedOffset {
  readonly group: string;
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
}

/**
 * The offsets an I/O thread has been given by pulls and not yet handed to the control plane: the
 * latest per (group, topic, queueId), in first-commit order. Bounded by the topology (one entry
 * per consumed queue and group), and emptied by every `take`.
 */
export class CommitOffsetBuffer {
  private readonly latest = new Map<string, CommittedOffset>();

  get size(): number {
    return this.latest.size;
  }

  put(group: string, topic: string, queueId: number, queueOffset: number): void {
    assert(Number.isSafeInteger(queueOffset), 'queueOffset must be an integer');
    // Unambiguous whatever the names hold: the group by its length, the queueId after the last ':'.
    this.latest.set(`${group.length}:${group}${topic}:${queueId}`, { group, topic, queueId, queueOffset });
  }

  /** Everything held, oldest key first; the buffer is empty afterwards. */
  take(): CommittedOffset[] {
    const entries = [...this.latest.values()];
    this.latest.clear();
    return entries;
  }
}
