import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assert } from '../common/assert.js';
import type { Logger } from '../common/log.js';
import { type JsonValue, isJsonObject, parseFastjson } from '../protocol/fastjson.js';

/**
 * The NameServer's only persistent state: namespace → key → value (RocketMQ's KVConfigManager).
 * File layout (`kvConfigPath`, ~/namesrv/kvConfig.json by default), pretty-printed as fastjson does:
 *
 *   {"configTable":{"<namespace>":{"<key>":"<value>",...},...}}
 *
 * Durability: every change rewrites the file through a temporary file and a rename, so a crash
 * leaves either the old or the new content, never a torn one. Owned by the main thread.
 */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export class KvConfigStore {
  private readonly table = new Map<string, Map<string, string>>();

  constructor(private readonly path: string, private readonly logger: Logger) {}

  /** Loads the file if it exists; a file that does not parse is logged and left untouched. */
  load(): void {
    if (!existsSync(this.path)) return;
    let parsed: JsonValue;
    try {
      parsed = parseFastjson(readFileSync(this.path));
    } catch (error) {
      this.logger.error({ err: error, path: this.path }, 'kvConfig file does not parse; starting empty');
      return;
    }
    const configTable = isJsonObject(parsed) ? parsed['configTable'] : undefined;
    if (!isJsonObject(configTable)) return;
    for (const [namespace, entries] of Object.entries(configTable)) {
      if (!isJsonObject(entries)) continue;
      const map = new Map<string, string>();
      for (const [key, value] of Object.entries(entries)) if (typeof value === 'string') map.set(key, value);
      this.table.set(namespace, map);
    }
    this.logger.info({ path: this.path, namespaces: this.table.size }, 'kvConfig loaded');
  }

  put(namespace: string, key: string, value: string): void {
    let map = this.table.get(namespace);
    if (map === undefined) {
      map = new Map();
      this.table.set(namespace, map);
    }
    const previous = map.get(key);
    map.set(key, value);
    this.logger.info({ namespace, key, value, previous }, 'kvConfig put');
    this.persist();
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  delete(namespace: string, key: string): void {
    const map = this.table.get(namespace);
    if (map === undefined || !map.delete(key)) return;
    if (map.size === 0) this.table.delete(namespace);
    this.logger.info({ namespace, key }, 'kvConfig delete');
    this.persist();
  }

  /** The namespace's entries, or undefined when it has none. */
  list(namespace: string): Record<string, string> | undefined {
    const map = this.table.get(namespace);
    if (map === undefined || map.size === 0) return undefined;
    return Object.fromEntries(map);
  }

  private persist(): void {
    const configTable: Record<string, Record<string, string>> = {};
    for (const [namespace, map] of this.table) configTable[namespace] = Object.fromEntries(map);
    const text = JSON.stringify({ configTable }, null, '\t');
    const temporaryPath = `${this.path}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(temporaryPath, text);
    renameSync(temporaryPath, this.path);
    assert(existsSync(this.path), 'kvConfig file missing after rename');
  }
}
