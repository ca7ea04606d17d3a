import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { SubscriptionGroupConfig } from '../protocol/bodies/admin.js';
import { subscriptionGroupConfigFromJson, subscriptionGroupConfigToJson } from '../protocol/bodies/admin.js';
import type { JsonValue } from '../protocol/fastjson.js';
import { isJsonObject } from '../protocol/fastjson.js';
import type { DataVersion } from './data-version.js';
import { initialDataVersion, nextDataVersion, readDataVersion } from './data-version.js';
import { formatConfigJson, readConfigFile, writeConfigFile } from './json-config-file.js';
import { Listeners } from './listeners.js';
import { SystemName } from '../protocol/message-const.js';

export type { SubscriptionGroupConfig };

export interface GroupTableSnapshot {
  dataVersion: DataVersion;
  groups: Record<string, SubscriptionGroupConfig>;
}

/** RocketMQ's default retryMaxTimes: the 17th failure goes to the DLQ (reference §5.2). */
export const DEFAULT_RETRY_MAX_TIMES = 16;

export function newGroupConfig(groupName: string, fields: Partial<SubscriptionGroupConfig> = {}): SubscriptionGroupConfig {
  return {
    brokerId: 0, consumeBroadcastEnable: true, consumeEnable: true, consumeFromMinEnable: true, groupName,
    notifyConsumerIdsChangedEnable: true, retryMaxTimes: DEFAULT_RETRY_MAX_TIMES, retryQueueNums: 1,
    whichBrokerWhenConsumeSlowly: 1, ...fields,
  };
}

export const BUILT_IN_GROUPS: readonly string[] = [
  'TOOLS_CONSUMER', 'FILTERSRV_CONSUMER', 'SELF_TEST_C_GROUP', 'CID_ONS-HTTP-PROXY', 'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION', 'CID_ONSAPI_OWNER',
];

/**
 * Subscription groups (`<storePathRootDir>/config/subscriptionGroup.json`, reference §3.8):
 * built-ins, admin-created groups and groups auto-created on first use when
 * `autoCreateSubscriptionGroup` (system `CID_RMQ_SYS_*` groups always). Main thread only.
 */
export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private dataVersion: DataVersion;
  private readonly listeners = new Listeners<GroupTableSnapshot>();
  readonly filePath: string;

  constructor(
    private readonly autoCreate: boolean,
    configDir: string,
    private readonly clock: Clock,
  ) {
    this.filePath = join(configDir, 'subscriptionGroup.json');
    this.dataVersion = initialDataVersion(clock);
    for (const name of BUILT_IN_GROUPS) this.table.set(name, newGroupConfig(name));
  }

  load(): void {
    const root = readConfigFile(this.filePath);
    if (!isJsonObject(root)) return;
    this.dataVersion = readDataVersion(root.dataVersion, this.dataVersion);
    const table = root.subscriptionGroupTable;
    if (!isJsonObject(table)) return;
    for (const [name, value] of Object.entries(table)) {
      const config = readGroupConfig(name, value);
      if (config !== null) this.table.set(name, config);
    }
  }

  persist(): void {
    const { dataVersion, subscriptionGroupTable } = this.serializeWrapper();
    const table: Record<string, object> = {};
    for (const [name, config] of Object.entries(subscriptionGroupTable)) table[name] = subscriptionGroupConfigToJson(config);
    writeConfigFile(this.filePath, formatConfigJson({ dataVersion, subscriptionGroupTable: table }));
  }

  serializeWrapper(): { dataVersion: DataVersion; subscriptionGroupTable: Record<string, SubscriptionGroupConfig> } {
    return { dataVersion: { ...this.dataVersion }, subscriptionGroupTable: Object.fromEntries(this.table) };
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  /** The group's config, auto-creating it when allowed; undefined otherwise. */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing !== undefined) return existing;
    if (!this.autoCreate && !group.startsWith(SystemName.CID_SYS_RMQ_PREFIX)) return undefined;
    const config = newGroupConfig(group);
    this.upsert(config);
    return config;
  }

  all(): SubscriptionGroupConfig[] {
    return [...this.table.values()];
  }

  upsert(config: SubscriptionGroupConfig): void {
    this.table.set(config.groupName, { ...config });
    this.changed();
  }

  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.changed();
    return true;
  }

  onChange(listener: (snapshot: GroupTableSnapshot) => void): () => void {
    return this.listeners.add(listener);
  }

  snapshot(): GroupTableSnapshot {
    const groups: Record<string, SubscriptionGroupConfig> = {};
    for (const [name, config] of this.table) groups[name] = { ...config };
    return { dataVersion: { ...this.dataVersion }, groups };
  }

  private changed(): void {
    this.dataVersion = nextDataVersion(this.dataVersion, this.clock);
    this.persist();
    this.listeners.emit(this.snapshot());
  }
}

/** A group config from JSON (file or UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body), Java defaults; null if malformed. */
export function readGroupConfig(name: string, value: JsonValue | undefined): SubscriptionGroupConfig | null {
  if (!isJsonObject(value)) return null;
  try {
    return { ...subscriptionGroupConfigFromJson(value), groupName: name };
  } catch {
    return null;
  }
}
