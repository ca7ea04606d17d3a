// Proves the broker's config files keep RocketMQ's shapes and survive a restart: topics.json,
// subscriptionGroup.json, consumerOffset.json and delayOffset.json are written (fastjson style:
// tab indent, unquoted integer map keys), read back by fresh managers, and a torn file falls
// back to its .bak. Real files in a tmp dir; time from a FakeClock.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { ConsumerOffsetManager } from '../../../src/broker/consumer-offset-manager.js';
import { formatConfigJson, readConfigFile, writeConfigFile } from '../../../src/broker/json-config-file.js';
import { DelayOffsetManager } from '../../../src/broker/schedule/delay-offset-manager.js';
import { SubscriptionGroupManager, newGroupConfig } from '../../../src/broker/subscription-group-manager.js';
import type { TopicSettings } from '../../../src/broker/topic-config-manager.js';
import { TopicConfigManager, newTopicConfig } from '../../../src/broker/topic-config-manager.js';
import { isJsonObject, parseFastjson } from '../../../src/protocol/fastjson.js';
import { tempDirForFile } from '../../helpers/temp-dirs.js';

const settings: TopicSettings = {
  brokerClusterName: 'DefaultCluster', brokerName: 'broker-a', autoCreateTopicEnable: true,
  defaultTopicQueueNums: 8, clusterTopicEnable: true, brokerTopicEnable: true, traceTopicEnable: false,
  msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC', scheduleQueueNums: 18,
};

function tmp(): string {
  return tempDirForFile('petrel-broker-config-');
}

describe('formatConfigJson', () => {
  it('writes fastjson pretty format with unquoted integer keys for Map values', () => {
    const text = formatConfigJson({ offsetTable: { 'T@G': new Map([[0, 123], [1, 97]]) } });
    expect(text).toBe('{\n\t"offsetTable":{\n\t\t"T@G":{0:123,1:97}\n\t}\n}');
    const parsed = parseFastjson(text);
    expect(parsed).toEqual({ offsetTable: { 'T@G': { 0: 123, 1: 97 } } });
  });

  it('falls back to .bak when the file is torn, and the .bak holds the previous content', () => {
    const path = join(tmp(), 'x.json');
    writeConfigFile(path, '{"a":1}');
    writeConfigFile(path, '{"a":2}');
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe('{"a":1}');
    writeFileSync(path, '{"a":');
    expect(readConfigFile(path)).toEqual({ a: 1 });
  });
});

describe('TopicConfigManager', () => {
  it('has the built-in topics of reference §3.8', () => {
    const topics = new TopicConfigManager(settings, tmp(), new FakeClock(1));
    expect(topics.get('SCHEDULE_TOPIC_XXXX')).toMatchObject({ readQueueNums: 18, writeQueueNums: 18, perm: 6 });
    expect(topics.get('TBW102')).toMatchObject({ readQueueNums: 8, writeQueueNums: 8, perm: 7 });
    expect(topics.get('SELF_TEST_TOPIC')).toMatchObject({ readQueueNums: 1, writeQueueNums: 1 });
    expect(topics.get('BenchmarkTest')).toMatchObject({ readQueueNums: 1024 });
    expect(topics.get('DefaultCluster')).toMatchObject({ perm: 7 });
    expect(topics.get('broker-a')).toMatchObject({ perm: 7, readQueueNums: 1 });
    expect(topics.get('OFFSET_MOVED_EVENT')).toBeDefined();
    expect(topics.get('DefaultCluster_REPLY_TOPIC')).toBeDefined();
    expect(topics.get('RMQ_SYS_TRACE_TOPIC')).toBeUndefined();
    const noAuto = new TopicConfigManager({ ...settings, autoCreateTopicEnable: false }, tmp(), new FakeClock(1));
    expect(noAuto.get('TBW102')).toBeUndefined();
    expect(topics.isSystemTopic('broker-a')).toBe(true);
    expect(topics.isSystemTopic('TopicTest')).toBe(false);
  });

  it('persists changes with a bumped dataVersion and reloads them', () => {
    const dir = tmp();
    const clock = new FakeClock(1000);
    const topics = new TopicConfigManager(settings, dir, clock);
    const before = topics.currentDataVersion().counter;
    clock.advanceMs(5);
    topics.upsert(newTopicConfig('TopicTest', { readQueueNums: 4, writeQueueNums: 4 }));
    expect(topics.currentDataVersion()).toEqual({ counter: before + 1, timestamp: 1005 });
    const file = parseFastjson(readFileSync(join(dir, 'topics.json'), 'utf8'));
    expect(isJsonObject(file) && isJsonObject(file.topicConfigTable) && file.topicConfigTable.TopicTest).toEqual({
      order: false, perm: 6, readQueueNums: 4, topicFilterType: 'SINGLE_TAG', topicName: 'TopicTest',
      topicSysFlag: 0, writeQueueNums: 4,
    });
    const reloaded = new TopicConfigManager(settings, dir, clock);
    reloaded.load();
    expect(reloaded.get('TopicTest')).toEqual(topics.get('TopicTest'));
    expect(reloaded.currentDataVersion()).toEqual(topics.currentDataVersion());
  });

  it('creates topics from TBW102 with min(queueNums, template) queues and no INHERIT', () => {
    const topics = new TopicConfigManager(settings, tmp(), new FakeClock(1));
    const seen: string[] = [];
    topics.onChange((snapshot) => seen.push(...Object.keys(snapshot.topics).filter((name) => name.startsWith('Auto'))));
    expect(topics.createTopicFromDefault('AutoA', 'TBW102', 4, 0)).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    expect(topics.createTopicFromDefault('AutoB', 'TBW102', 64, 0)).toMatchObject({ readQueueNums: 8, perm: 6 });
    expect(topics.createTopicFromDefault('AutoC', 'NoSuchDefault', 4, 0)).toBeNull();
    topics.upsert(newTopicConfig('NoInherit', { perm: 6 }));
    expect(topics.createTopicFromDefault('AutoD', 'NoInherit', 4, 0)).toBeNull();
    expect(new Set(seen)).toEqual(new Set(['AutoA', 'AutoB']));
    expect(structuredClone(topics.snapshot())).toEqual(topics.snapshot());
  });
});

describe('SubscriptionGroupManager', () => {
  it('auto-creates only when enabled (system groups always) and round-trips', () => {
    const dir = tmp();
    const groups = new SubscriptionGroupManager(false, dir, new FakeClock(1));
    expect(groups.findOrCreate('G1')).toBeUndefined();
    expect(groups.findOrCreate('CID_RMQ_SYS_TRANS')).toEqual(newGroupConfig('CID_RMQ_SYS_TRANS'));
    groups.upsert(newGroupConfig('G2', { retryMaxTimes: 3, retryQueueNums: 2 }));
    const reloaded = new SubscriptionGroupManager(false, dir, new FakeClock(1));
    reloaded.load();
    expect(reloaded.get('G2')).toMatchObject({ retryMaxTimes: 3, retryQueueNums: 2, consumeEnable: true });
    expect(reloaded.get('TOOLS_CONSUMER')).toBeDefined();
    expect(new SubscriptionGroupManager(true, tmp(), new FakeClock(1)).findOrCreate('G1')?.retryMaxTimes).toBe(16);
  });
});

describe('ConsumerOffsetManager', () => {
  it('ignores negative commits and round-trips the RocketMQ file shape', () => {
    const dir = tmp();
    const offsets = new ConsumerOffsetManager(dir);
    expect(offsets.commitOffset('G1', 'TopicTest', 0, -1)).toBe(false);
    expect(offsets.queryOffset('G1', 'TopicTest', 0)).toBe(-1);
    offsets.commitOffset('G1', 'TopicTest', 0, 123);
    offsets.commitOffset('G1', 'TopicTest', 1, 97);
    offsets.commitOffset('G1', 'TopicTest', 1, -1);
    expect(offsets.persist()).toBe(true);
    expect(offsets.persist()).toBe(false);
    const text = readFileSync(join(dir, 'consumerOffset.json'), 'utf8');
    expect(text).toContain('"TopicTest@G1":{0:123,1:97}');
    const reloaded = new ConsumerOffsetManager(dir);
    reloaded.load();
    expect(reloaded.queryOffset('G1', 'TopicTest', 1)).toBe(97);
    expect(reloaded.topicsOfGroup('G1')).toEqual(['TopicTest']);
    expect(reloaded.groupsOfTopic('TopicTest')).toEqual(['G1']);
  });

  it('reads a file a Java broker wrote', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'consumerOffset.json'),
      '{\n\t"offsetTable":{\n\t\t"%RETRY%G@G":{0:0\n\t\t},\n\t\t"T@G":{0:250,1:250,2:250,3:250\n\t\t}\n\t}\n}');
    const offsets = new ConsumerOffsetManager(dir);
    offsets.load();
    expect(offsets.queryOffset('G', 'T', 3)).toBe(250);
    expect(offsets.queryOffset('G', '%RETRY%G', 0)).toBe(0);
  });
});

describe('DelayOffsetManager', () => {
  it('writes {"offsetTable":{level:offset}} and reads it back', () => {
    const dir = tmp();
    const delays = new DelayOffsetManager(dir);
    delays.set(3, 15);
    delays.persist();
    expect(readFileSync(join(dir, 'delayOffset.json'), 'utf8')).toBe('{\n\t"offsetTable":{3:15}\n}');
    const reloaded = new DelayOffsetManager(dir);
    reloaded.load();
    expect(reloaded.get(3)).toBe(15);
    expect(reloaded.get(1)).toBe(0);
  });
});
