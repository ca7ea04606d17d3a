import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { SubscriptionGroupConfig } from '../protocol/bodies/admin.js';
import { subscriptionGroupConfigFromJson, subscriptionGroupConfigToJson } from '../protocol/bodies/admin.js';
import type { JsonValue } from '../protocol/fastjson.js';
import { isJsonObject } from '../protocol/fastjson.js';
import { SystemName } from '../protocol/message-const.js';
import type { DataVersion } from './data-version.js';
import type { TableFormat } from './versioned-table.js';
import { VersionedTable } from './versioned-table.js';

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
export class SubscriptionGroupManager extends VersionedTable<SubscriptionGroupConfig, GroupTableSnapshot> {
  constructor(private readonly autoCreate: boolean, configDir: string, clock: Clock) {
    super(join(configDir, 'subscriptionGroup.json'), GROUP_FORMAT, clock);
    for (const name of BUILT_IN_GROUPS) this.table.set(name, newGroupConfig(name));
  }

  /** `{dataVersion, subscriptionGroupTable}`: GET_ALL_SUBSCRIPTIONGROUP_CONFIG. */
  serializeWrapper(): { dataVersion: DataVersion; subscriptionGroupTable: Record<string, SubscriptionGroupConfig> } {
    return { dataVersion: this.currentDataVersion(), subscriptionGroupTable: Object.fromEntries(this.table) };
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

  upsert(config: SubscriptionGroupConfig): void {
    this.put(config.groupName, { ...config });
  }

  snapshot(): GroupTableSnapshot {
    const groups: Record<string, SubscriptionGroupConfig> = {};
    for (const [name, config] of this.table) groups[name] = { ...config };
    return { dataVersion: this.currentDataVersion(), groups };
  }
}

const GROUP_FORMAT: TableFormat<SubscriptionGroupConfig> = {
  tableKey: 'subscriptionGroupTable',
  read: (name, value) => readGroupConfig(name, value),
  write: subscriptionGroupConfigToJson,
};

/** A group config from JSON (file or UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body), Java defaults; null if malformed. */
export function readGroupConfig(name: string, value: JsonValue | undefined): SubscriptionGroupConfig | null {
  if (!isJsonObject(value)) return null;
  try {
    return { ...subscriptionGroupConfigFromJson(value), groupName: name };
  } catch {
    return null;
  }
}
