import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { JsonValue } from '../protocol/fastjson.js';
import { isJsonObject } from '../protocol/fastjson.js';
import type { DataVersion } from './data-version.js';
import { initialDataVersion, nextDataVersion, readDataVersion } from './data-version.js';
import { formatConfigJson, readConfigFile, writeConfigFile } from './json-config-file.js';
import { Listeners } from './listeners.js';
import { SystemName } from '../protocol/message-const.js';

/** SubscriptionGroupConfig (reference §2.6), fastjson property order. */
export interface SubscriptionGroupConfig {
  brokerId: number;
  consumeBroadcastEnable: boolean;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  groupName: string;
  notifyConsumerIdsChangedEnable: boolean;
  retryMaxTimes: number;
  retryQueueNums: number;
  whichBrokerWhenConsumeSlowly: number;
}

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
    writeConfigFile(this.filePath, formatConfigJson(this.serializeWrapper()));
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

/** A group config from JSON (file or UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body); Java defaults. */
export function readGroupConfig(name: string, value: JsonValue | undefined): SubscriptionGroupConfig | null {
  if (!isJsonObject(value)) return null;
  const defaults = newGroupConfig(name);
  const bool = (key: keyof SubscriptionGroupConfig): boolean => {
    const member = value[key];
    return typeof member === 'boolean' ? member : typeof member === 'string' ? member === 'true' : (defaults[key] as boolean);
  };
  const number = (key: keyof SubscriptionGroupConfig): number => {
    const member = value[key];
    const parsed = typeof member === 'number' ? member : typeof member === 'string' ? Number(member) : Number.NaN;
    return Number.isFinite(parsed) ? parsed : (defaults[key] as number);
  };
  return {
    brokerId: number('brokerId'), consumeBroadcastEnable: bool('consumeBroadcastEnable'),
    consumeEnable: bool('consumeEnable'), consumeFromMinEnable: bool('consumeFromMinEnable'), groupName: name,
    notifyConsumerIdsChangedEnable: bool('notifyConsumerIdsChangedEnable'), retryMaxTimes: number('retryMaxTimes'),
    retryQueueNums: number('retryQueueNums'), whichBrokerWhenConsumeSlowly: number('whichBrokerWhenConsumeSlowly'),
  };
}
