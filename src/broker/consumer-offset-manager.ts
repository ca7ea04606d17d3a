import { join } from 'node:path';
import { assert } from '../common/assert.js';
import { isJsonObject } from '../protocol/fastjson.js';
import type { IntKeyMap } from './json-config-file.js';
import { formatConfigJson, readConfigFile, toIntKeyMap, writeConfigFile } from './json-config-file.js';

/** `topic@group`: RocketMQ's offset-table key (topics cannot contain '@'). */
const KEY_SEPARATOR = '@';

export function offsetKey(topic: string, group: string): string {
  return `${topic}${KEY_SEPARATOR}${group}`;
}

/** Splits an offset-table key at its first '@' (the topic side never has one). */
export function splitOffsetKey(key: string): { topic: string; group: string } | null {
  const at = key.indexOf(KEY_SEPARATOR);
  if (at <= 0 || at === key.length - 1) return null;
  return { topic: key.slice(0, at), group: key.slice(at + 1) };
}

/**
 * Committed consumer offsets for CLUSTERING groups (reference §5.3): `topic@group` → queueId →
 * the next queue offset to consume. Persisted to `<storePathRootDir>/config/consumerOffset.json`
 * (`{"offsetTable":{"T@G":{0:123}}}`) by the broker every `flushConsumerOffsetInterval` ms when
 * something changed, and at shutdown. Negative commits are ignored: ali-ons sends -1 for "no
 * offset yet" every 5 s (real-clients §1.5). Main thread only.
 */
export class ConsumerOffsetManager {
  private readonly table = new Map<string, IntKeyMap>();
  private dirty = false;
  readonly filePath: string;

  constructor(configDir: string) {
    this.filePath = join(configDir, 'consumerOffset.json');
  }

  load(): void {
    const root = readConfigFile(this.filePath);
    if (!isJsonObject(root) || !isJsonObject(root.offsetTable)) return;
    for (const [key, value] of Object.entries(root.offsetTable)) {
      if (splitOffsetKey(key) !== null) this.table.set(key, toIntKeyMap(value));
    }
  }

  /** Writes the file; a no-op unless something changed since the last write (or `force`). */
  persist(force = false): boolean {
    if (!this.dirty && !force) return false;
    this.dirty = false;
    writeConfigFile(this.filePath, this.encode());
    return true;
  }

  /** The file's content (also the GET_ALL_CONSUMER_OFFSET body). */
  encode(): string {
    return formatConfigJson({ offsetTable: Object.fromEntries(this.table) });
  }

  /** Stores a commit; false when ignored (negative or not a safe integer). */
  commitOffset(group: string, topic: string, queueId: number, queueOffset: number): boolean {
    if (!Number.isSafeInteger(queueOffset) || queueOffset < 0) return false;
    assert(Number.isInteger(queueId) && queueId >= 0, 'queueId must be a non-negative integer');
    const key = offsetKey(topic, group);
    let queues = this.table.get(key);
    if (queues === undefined) {
      queues = new Map();
      this.table.set(key, queues);
    }
    if (queues.get(queueId) !== queueOffset) {
      queues.set(queueId, queueOffset);
      this.dirty = true;
    }
    return true;
  }

  /** The committed offset, or -1 when the group never committed one for that queue. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.table.get(offsetKey(topic, group))?.get(queueId) ?? -1;
  }

  /** queueId → offset for one (group, topic); empty when none. */
  queryOffsets(group: string, topic: string): ReadonlyMap<number, number> {
    return this.table.get(offsetKey(topic, group)) ?? new Map();
  }

  topicsOfGroup(group: string): string[] {
    return this.keys().filter((key) => key.group === group).map((key) => key.topic);
  }

  groupsOfTopic(topic: string): string[] {
    return this.keys().filter((key) => key.topic === topic).map((key) => key.group);
  }

  removeGroup(group: string): void {
    for (const key of this.keys()) {
      if (key.group === group) this.remove(offsetKey(key.topic, group));
    }
  }

  removeTopic(topic: string): void {
    for (const key of this.keys()) {
      if (key.topic === topic) this.remove(offsetKey(topic, key.group));
    }
  }

  private remove(key: string): void {
    if (this.table.delete(key)) this.dirty = true;
  }

  private keys(): Array<{ topic: string; group: string }> {
    const keys: Array<{ topic: string; group: string }> = [];
    for (const key of this.table.keys()) {
      const split = splitOffsetKey(key);
      if (split !== null) keys.push(split);
    }
    return keys;
  }
}
