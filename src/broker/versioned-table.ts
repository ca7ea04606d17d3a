import type { Clock } from '../common/clock.js';
import type { JsonValue } from '../protocol/fastjson.js';
import { isJsonObject } from '../protocol/fastjson.js';
import type { DataVersion } from './data-version.js';
import { initialDataVersion, nextDataVersion, readDataVersion } from './data-version.js';
import { formatConfigJson, readConfigFile, writeConfigFile } from './json-config-file.js';
import { Listeners } from './listeners.js';

/** How one kind of entry is read from and written to its config file. */
export interface TableFormat<T> {
  /** The member holding the table: `topicConfigTable`, `subscriptionGroupTable`. */
  readonly tableKey: string;
  /** An entry from the file (Java defaults for missing members), or null when malformed. */
  read(name: string, value: JsonValue | undefined): T | null;
  /** The entry as fastjson writes it (alphabetical members). */
  write(entry: T): object;
}

/**
 * A named config table persisted as `{"dataVersion":{...},"<tableKey>":{<name>:entry}}` (RocketMQ's
 * topics.json and subscriptionGroup.json, reference §3.8). Every change bumps the DataVersion,
 * rewrites the file and then tells listeners with the subclass's snapshot. Main thread only.
 */
export abstract class VersionedTable<T, S> {
  protected readonly table = new Map<string, T>();
  protected dataVersion: DataVersion;
  private readonly listeners = new Listeners<S>();

  constructor(
    readonly filePath: string,
    private readonly format: TableFormat<T>,
    private readonly clock: Clock,
  ) {
    this.dataVersion = initialDataVersion(clock);
  }

  /** A plain, structured-cloneable copy for the I/O threads. */
  abstract snapshot(): S;

  /** Reads the file (or its .bak); entries there replace same-named built-ins. */
  load(): void {
    const root = readConfigFile(this.filePath);
    if (!isJsonObject(root)) return;
    this.dataVersion = readDataVersion(root.dataVersion, this.dataVersion);
    const table = root[this.format.tableKey];
    if (!isJsonObject(table)) return;
    for (const [name, value] of Object.entries(table)) {
      const entry = this.format.read(name, value);
      if (entry !== null) this.table.set(name, entry);
    }
  }

  persist(): void {
    const table: Record<string, object> = {};
    for (const [name, entry] of this.table) table[name] = this.format.write(entry);
    writeConfigFile(this.filePath, formatConfigJson({ dataVersion: this.dataVersion, [this.format.tableKey]: table }));
  }

  get(name: string): T | undefined {
    return this.table.get(name);
  }

  all(): T[] {
    return [...this.table.values()];
  }

  currentDataVersion(): DataVersion {
    return { ...this.dataVersion };
  }

  onChange(listener: (snapshot: S) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Removes an entry; false when it did not exist. */
  delete(name: string): boolean {
    if (!this.table.delete(name)) return false;
    this.changed();
    return true;
  }

  protected put(name: string, entry: T): void {
    this.table.set(name, entry);
    this.changed();
  }

  private changed(): void {
    this.dataVersion = nextDataVersion(this.dataVersion, this.clock);
    this.persist();
    this.listeners.emit(this.snapshot());
  }
}
