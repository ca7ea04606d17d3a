import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import { assert } from '../common/assert.js';
import type { TopicConfig, TopicConfigSerializeWrapper, TopicFilterType } from '../protocol/bodies/route.js';
import { topicConfigFromJson, topicConfigToJson } from '../protocol/bodies/route.js';
import type { JsonValue } from '../protocol/fastjson.js';
import { isJsonObject } from '../protocol/fastjson.js';
import { SystemName } from '../protocol/message-const.js';
import type { DataVersion } from './data-version.js';
import { Perm, PERM_READ_WRITE, isInherited } from './perm.js';
import { FIXED_SYSTEM_TOPICS, replyTopicOf } from './topic-names.js';
import type { TableFormat } from './versioned-table.js';
import { VersionedTable } from './versioned-table.js';

export type { TopicConfig, TopicFilterType };

/** What the data plane needs per topic; plain and structured-cloneable. */
export interface TopicSnapshotEntry {
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
  topicFilterType: TopicFilterType;
  order: boolean;
}

export interface TopicTableSnapshot {
  dataVersion: DataVersion;
  topics: Record<string, TopicSnapshotEntry>;
}

/** The settings the built-in topics depend on (a subset of BrokerConfig). */
export interface TopicSettings {
  brokerClusterName: string;
  brokerName: string;
  autoCreateTopicEnable: boolean;
  defaultTopicQueueNums: number;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  traceTopicEnable: boolean;
  msgTraceTopicName: string;
  scheduleQueueNums: number;
}

/** `new TopicConfig(name)` in Java: 16/16, perm 6, SINGLE_TAG. */
const DEFAULT_QUEUE_NUMS = 16;

export function newTopicConfig(topicName: string, fields: Partial<TopicConfig> = {}): TopicConfig {
  return {
    order: false, perm: PERM_READ_WRITE, readQueueNums: DEFAULT_QUEUE_NUMS, topicFilterType: 'SINGLE_TAG',
    topicName, topicSysFlag: 0, writeQueueNums: DEFAULT_QUEUE_NUMS, ...fields,
  };
}

/**
 * The topic table (`<storePathRootDir>/config/topics.json`, reference §3.8): built-in topics,
 * admin-created topics and topics auto-created on send, with a DataVersion bumped on each change.
 * Every change persists the file and then fires `onChange` with a fresh snapshot (the broker
 * pushes it to the I/O threads and re-registers with the NameServers). Main thread only.
 */
export class TopicConfigManager extends VersionedTable<TopicConfig, TopicTableSnapshot> {
  readonly systemTopics: ReadonlySet<string>;

  constructor(settings: TopicSettings, configDir: string, clock: Clock) {
    super(join(configDir, 'topics.json'), TOPIC_FORMAT, clock);
    this.systemTopics = new Set([...FIXED_SYSTEM_TOPICS, settings.brokerClusterName, settings.brokerName]);
    for (const config of builtInTopics(settings)) this.table.set(config.topicName, config);
  }

  /** `{dataVersion, topicConfigTable}`: GET_ALL_TOPIC_CONFIG and REGISTER_BROKER. */
  serializeWrapper(): TopicConfigSerializeWrapper {
    return { dataVersion: this.currentDataVersion(), topicConfigTable: Object.fromEntries(this.table) };
  }

  isSystemTopic(topic: string): boolean {
    return this.systemTopics.has(topic);
  }

  snapshot(): TopicTableSnapshot {
    const topics: Record<string, TopicSnapshotEntry> = {};
    for (const config of this.table.values()) {
      topics[config.topicName] = {
        readQueueNums: config.readQueueNums, writeQueueNums: config.writeQueueNums, perm: config.perm,
        topicSysFlag: config.topicSysFlag, topicFilterType: config.topicFilterType, order: config.order,
      };
    }
    return { dataVersion: this.currentDataVersion(), topics };
  }

  /** Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC). */
  upsert(config: TopicConfig): void {
    assert(config.readQueueNums >= 0 && config.writeQueueNums >= 0, 'queue numbers must be >= 0');
    this.put(config.topicName, { ...config });
  }

  /**
   * TBW102 auto-creation on send (reference §5.10): the new topic gets
   * min(queueNums, default topic's writeQueueNums) queues and the default topic's perm without
   * INHERIT. Null when the default topic is missing or lacks INHERIT (the send then gets
   * TOPIC_NOT_EXIST). An existing topic is returned unchanged.
   */
  createTopicFromDefault(topic: string, defaultTopic: string, queueNums: number, topicSysFlag: number): TopicConfig | null {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const template = this.table.get(defaultTopic);
    if (template === undefined || !isInherited(template.perm)) return null;
    const nums = Math.max(1, Math.min(queueNums, template.writeQueueNums));
    const config = newTopicConfig(topic, {
      readQueueNums: nums, writeQueueNums: nums, perm: template.perm & ~Perm.INHERIT,
      topicFilterType: template.topicFilterType, topicSysFlag,
    });
    this.upsert(config);
    return config;
  }

  /** Retry and DLQ topics: created on demand with fixed queue numbers and perm. */
  createTopicIfAbsent(topic: string, queueNums: number, perm: number, topicSysFlag = 0): TopicConfig {
    const existing = this.table.get(topic);
    if (existing !== undefined) return existing;
    const config = newTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag });
    this.upsert(config);
    return config;
  }
}

function builtInTopics(settings: TopicSettings): TopicConfig[] {
  const rwx = PERM_READ_WRITE | Perm.INHERIT;
  const topics = [
    newTopicConfig(SystemName.SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }),
    newTopicConfig(SystemName.BENCHMARK_TOPIC, { readQueueNums: 1024, writeQueueNums: 1024 }),
    newTopicConfig(settings.brokerClusterName, { perm: settings.clusterTopicEnable ? rwx : Perm.INHERIT }),
    newTopicConfig(settings.brokerName, {
      readQueueNums: 1, writeQueueNums: 1, perm: settings.brokerTopicEnable ? rwx : Perm.INHERIT,
    }),
    newTopicConfig(SystemName.OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 }),
    newTopicConfig(SystemName.SCHEDULE_TOPIC, {
      readQueueNums: settings.scheduleQueueNums, writeQueueNums: settings.scheduleQueueNums,
    }),
    newTopicConfig(replyTopicOf(settings.brokerClusterName), { readQueueNums: 1, writeQueueNums: 1 }),
  ];
  if (settings.autoCreateTopicEnable) {
    const nums = settings.defaultTopicQueueNums;
    topics.push(newTopicConfig(SystemName.AUTO_CREATE_TOPIC_KEY_TOPIC, { readQueueNums: nums, writeQueueNums: nums, perm: rwx }));
  }
  if (settings.traceTopicEnable) {
    topics.push(newTopicConfig(settings.msgTraceTopicName, { readQueueNums: 1, writeQueueNums: 1 }));
  }
  return topics;
}

const TOPIC_FORMAT: TableFormat<TopicConfig> = {
  tableKey: 'topicConfigTable',
  read: (name, value) => readTopicConfig(name, value),
  write: topicConfigToJson,
};

/** One topics.json entry (Java defaults for missing members), or null when malformed. */
export function readTopicConfig(name: string, value: JsonValue | undefined): TopicConfig | null {
  if (!isJsonObject(value)) return null;
  try {
    return { ...topicConfigFromJson(value, name), topicName: name };
  } catch {
    return null;
  }
}
