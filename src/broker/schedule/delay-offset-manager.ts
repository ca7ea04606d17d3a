import { join } from 'node:path';
import { isJsonObject } from '../../protocol/fastjson.js';
import type { IntKeyMap } from '../json-config-file.js';
import { formatConfigJson, readConfigFile, toIntKeyMap, writeConfigFile } from '../json-config-file.js';

/**
 * Progress of the delay scheduler (`<storePathRootDir>/config/delayOffset.json`, reference
 * §3.8): delay level → the next queue offset of `SCHEDULE_TOPIC_XXXX` queue `level - 1` to
 * deliver, written `{"offsetTable":{1:0,2:15}}`. Persisted every `flushDelayOffsetInterval`
 * ms when changed and at shutdown. Main thread only.
 */
export class DelayOffsetManager {
  private table: IntKeyMap = new Map();
  private dirty = false;
  readonly filePath: string;

  constructor(configDir: string) {
    this.filePath = join(configDir, 'delayOffset.json');
  }

  load(): void {
    const root = readConfigFile(this.filePath);
    if (isJsonObject(root)) this.table = toIntKeyMap(root.offsetTable);
  }

  persist(force = false): boolean {
    if (!this.dirty && !force) return false;
    this.dirty = false;
    writeConfigFile(this.filePath, this.encode());
    return true;
  }

  /** The file's content (also the GET_ALL_DELAY_OFFSET body). */
  encode(): string {
    return formatConfigJson({ offsetTable: this.table });
  }

  /** Next queue offset to deliver for `level` (0 when never delivered). */
  get(level: number): number {
    return this.table.get(level) ?? 0;
  }

  set(level: number, queueOffset: number): void {
    if (this.table.get(level) === queueOffset) return;
    this.table.set(level, queueOffset);
    this.dirty = true;
  }
}
