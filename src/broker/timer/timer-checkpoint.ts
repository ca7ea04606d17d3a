import { join } from 'node:path';
import { isJsonObject } from '../../protocol/fastjson.js';
import { formatConfigJson, readConfigFile, writeConfigFile } from '../json-config-file.js';

/**
 * Delivery progress of the timer topic (`<storePathRootDir>/config/timerCheckpoint.json`):
 * `deliveredOffset` = the lowest timer-queue offset not yet delivered (everything below is),
 * `deliveredAbove` = the offsets above it already delivered (timer entries are due out of
 * queue order). Written `{"deliveredAbove":[7,9],"deliveredOffset":5}` every
 * `flushDelayOffsetInterval` ms when changed and at shutdown, like delayOffset.json; after a
 * crash the entries delivered since the last write are delivered again (at least once).
 * Main thread only.
 */
export class TimerCheckpoint {
  private deliveredOffset = 0;
  private readonly deliveredAbove = new Set<number>();
  private dirty = false;
  readonly filePath: string;

  constructor(configDir: string) {
    this.filePath = join(configDir, 'timerCheckpoint.json');
  }

  load(): void {
    const root = readConfigFile(this.filePath);
    if (!isJsonObject(root)) return;
    const low = root.deliveredOffset;
    if (typeof low === 'number' && Number.isSafeInteger(low) && low >= 0) this.deliveredOffset = low;
    const above = root.deliveredAbove;
    if (Array.isArray(above)) {
      for (const offset of above) if (typeof offset === 'number' && offset > this.deliveredOffset) this.deliveredAbove.add(offset);
    }
  }

  persist(force = false): boolean {
    if (!this.dirty && !force) return false;
    this.dirty = false;
    writeConfigFile(this.filePath, formatConfigJson({
      deliveredAbove: [...this.deliveredAbove].sort((a, b) => a - b), deliveredOffset: this.deliveredOffset,
    }));
    return true;
  }

  /** The lowest offset not yet delivered: where a restart's scan begins. */
  get lowOffset(): number {
    return this.deliveredOffset;
  }

  /** How many offsets above `lowOffset` are delivered (bounded by the service). */
  get aboveCount(): number {
    return this.deliveredAbove.size;
  }

  isDelivered(queueOffset: number): boolean {
    return queueOffset < this.deliveredOffset || this.deliveredAbove.has(queueOffset);
  }

  markDelivered(queueOffset: number): void {
    if (this.isDelivered(queueOffset)) return;
    this.dirty = true;
    if (queueOffset !== this.deliveredOffset) {
      this.deliveredAbove.add(queueOffset);
      return;
    }
    this.deliveredOffset++;
    while (this.deliveredAbove.delete(this.deliveredOffset)) this.deliveredOffset++;
  }

  /** Entries below the queue's min offset are gone from the store: nothing left to deliver there. */
  skipTo(minQueueOffset: number): void {
    if (minQueueOffset <= this.deliveredOffset) return;
    this.dirty = true;
    for (const offset of this.deliveredAbove) if (offset < minQueueOffset) this.deliveredAbove.delete(offset);
    this.deliveredOffset = minQueueOffset;
    while (this.deliveredAbove.delete(this.deliveredOffset)) this.deliveredOffset++;
  }
}
