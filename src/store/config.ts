import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { assert } from '../common/assert.js';
import type { ConfigOf } from '../common/config/schema.js';
import { booleanKey, numberKey, oneOfKey, stringKey } from '../common/config/schema.js';

/**
 * The store's config keys, with RocketMQ's MessageStoreConfig names and defaults (reference
 * §7.2), plus the few Petrel-only sizes of the shared-memory plumbing (prefixed `store`). The
 * broker spreads `storeConfigSchema` into its own schema. `deriveStoreLayout` turns a loaded
 * config into the frozen numbers and paths the store code actually uses (STYLE §9).
 */
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const KIB = 1024;
const MIB = 1024 * KIB;

export const storeConfigSchema = {
  storePathRootDir: stringKey('~/store', 'store root: commitlog/, consumequeue/, index/, config/'),
  storePathCommitLog: stringKey('', 'commit-log directory ("" = <storePathRootDir>/commitlog)'),
  mappedFileSizeCommitLog: numberKey(1024 * MIB, 'commit-log segment bytes', { min: 1024, max: 2 ** 31 }),
  mappedFileSizeConsumeQueue: numberKey(300_000 * 20, 'consume-queue file bytes (multiple of 20)', {
    min: 200,
  }),
  flushDiskType: oneOfKey('ASYNC_FLUSH', ['ASYNC_FLUSH', 'SYNC_FLUSH'], 'when a send is acknowledged'),
  flushIntervalCommitLog: numberKey(500, 'ASYNC_FLUSH: ms between commit-log flushes', { min: 1 }),
  flushCommitLogLeastPages: numberKey(4, 'ASYNC_FLUSH: dirty 4 KiB pages before a timed flush', {
    min: 0,
  }),
  flushCommitLogThoroughInterval: numberKey(10_000, 'ASYNC_FLUSH: ms before a flush of any size', {
    min: 1,
  }),
  flushIntervalConsumeQueue: numberKey(1000, 'ms between consume-queue/index flushes + checkpoint', {
    min: 10,
  }),
  syncFlushTimeout: numberKey(5000, 'SYNC_FLUSH: ms before FLUSH_DISK_TIMEOUT', { min: 1 }),
  transientStorePoolEnable: booleanKey(
    false,
    'ASYNC_FLUSH: a committer thread writes the commit log from the tail cache (RocketMQ commit thread); '
      + 'sends are still answered after the write',
  ),
  maxMessageSize: numberKey(4 * MIB, 'largest message body, bytes', { min: 1, max: 15 * MIB }),
  fileReservedTime: numberKey(72, 'hours a commit-log segment is kept', { min: 0 }),
  deleteWhen: stringKey('04', "hours of day (';'-separated) when expired segments are deleted"),
  diskMaxUsedSpaceRatio: numberKey(75, 'disk use % above which expired segments go at once', {
    min: 10, max: 95,
  }),
  messageIndexEnable: booleanKey(true, 'index KEYS and UNIQ_KEY for QUERY_MESSAGE'),
  maxHashSlotNum: numberKey(5_000_000, 'hash slots per index file', { min: 1, max: 50_000_000 }),
  maxIndexNum: numberKey(20_000_000, 'entries per index file', { min: 2, max: 100_000_000 }),
  messageDelayLevel: stringKey(DEFAULT_MESSAGE_DELAY_LEVEL, 'delay levels (s, m, h, d units)'),
  checkCRCOnRecover: booleanKey(true, 'verify body CRCs during crash recovery'),
  brokerIP1: stringKey('', 'store host written into records ("" = first non-loopback IPv4)'),
  listenPort: numberKey(10911, 'store host port written into records', { min: 0, max: 65535 }),
  storeRingBytes: numberKey(8 * MIB, 'request ring per producer thread: 8 MiB holds two 4 MiB sends', {
    min: 64 * KIB,
  }),
  storeCompletionSlots: numberKey(8192, 'appends a producer thread may have in flight', {
    min: 16, max: 1 << 20,
  }),
  storeTailCacheBytes: numberKey(128 * MIB, 'shared copy of the newest commit-log bytes for readers', {
    min: 64 * KIB,
  }),
  storeBehindBytesMax: numberKey(256 * MIB, 'written-but-unflushed bytes before appends get busy', {
    min: 64 * KIB,
  }),
  storeQueueSlotsMax: numberKey(32_768, 'topic queues the store can hold (shared slot table)', {
    min: 16, max: 1 << 20,
  }),
} as const;

export type StoreConfig = ConfigOf<typeof storeConfigSchema>;

/** A complete config from defaults plus overrides (tests, benchmarks, the broker's loader). */
export function storeConfigFrom(overrides: Partial<StoreConfig> = {}): StoreConfig {
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(storeConfigSchema)) config[key] = spec.default;
  for (const [key, value] of Object.entries(overrides)) {
    const spec = (storeConfigSchema as Record<string, { validate?: (v: never) => string | undefined }>)[key];
    assert(spec !== undefined, `unknown store config key ${key}`);
    const problem = spec.validate?.(value as never);
    assert(problem === undefined, `store config ${key}: ${problem}`);
    config[key] = value;
  }
  return Object.freeze(config) as StoreConfig;
}

/** The test-min preset (STYLE §7): tiny segments so every test rolls over. */
export function testMinStoreConfig(rootDir: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return storeConfigFrom({
    storePathRootDir: rootDir,
    mappedFileSizeCommitLog: 8 * KIB,
    mappedFileSizeConsumeQueue: 20 * 64,
    maxMessageSize: 4 * KIB,
    maxHashSlotNum: 64,
    maxIndexNum: 128,
    storeRingBytes: 256 * KIB,
    storeCompletionSlots: 256,
    storeTailCacheBytes: 64 * KIB,
    storeBehindBytesMax: 1 * MIB,
    storeQueueSlotsMax: 256,
    brokerIP1: '127.0.0.1',
    ...overrides,
  });
}

/** Paths and sizes derived once from the config, frozen, passed to every store component. */
export interface StoreLayout {
  readonly rootDir: string;
  readonly commitLogDir: string;
  readonly consumeQueueDir: string;
  readonly indexDir: string;
  readonly configDir: string;
  readonly checkpointPath: string;
  readonly abortPath: string;
  readonly segmentBytes: number;
  readonly cqFileBytes: number;
  readonly cqEntriesPerFile: number;
  readonly syncFlush: boolean;
  readonly flushIntervalMs: number;
  readonly flushLeastBytes: number;
  readonly flushThoroughIntervalMs: number;
  readonly cqFlushIntervalMs: number;
  readonly syncFlushTimeoutMs: number;
  /** `transientStorePoolEnable`: the committer thread (committer.ts), used with ASYNC_FLUSH in tail mode. */
  readonly committerThread: boolean;
  readonly bodyBytesMax: number;
  /** Largest record (or batch) one append may carry: fits an empty segment with its blank. */
  readonly appendBytesMax: number;
  readonly batchBufferBytes: number;
  readonly ringBytes: number;
  readonly completionSlots: number;
  readonly tailCacheBytes: number;
  readonly behindBytesMax: number;
  readonly queueSlotsMax: number;
  readonly indexEnabled: boolean;
  readonly indexSlotCount: number;
  readonly indexEntryCountMax: number;
  readonly checkCrcOnRecover: boolean;
  readonly fileReservedMs: number;
  readonly deleteHours: readonly number[];
  readonly diskMaxUsedRatio: number;
  readonly delayLevelsMs: readonly number[];
  readonly storeHostIp: string;
  readonly storeHostPort: number;
}

export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

export function deriveStoreLayout(config: StoreConfig): StoreLayout {
  const rootDir = expandHome(config.storePathRootDir);
  const segmentBytes = config.mappedFileSizeCommitLog;
  assert(config.mappedFileSizeConsumeQueue % 20 === 0, 'mappedFileSizeConsumeQueue must be a multiple of 20');
  // A record and its 8-byte blank must fit an empty segment; a whole append must fit the ring too.
  const appendBytesMax = Math.min(segmentBytes - 8, Math.floor(config.storeRingBytes / 2) - 4096);
  assert(appendBytesMax > 256, 'segment and ring must hold a small record');
  const batchBufferBytes = Math.max(4 * MIB, 2 * appendBytesMax);
  assert(config.storeTailCacheBytes % 8 === 0, 'tail cache bytes must be a multiple of 8');
  return Object.freeze({
    rootDir,
    commitLogDir: config.storePathCommitLog === '' ? join(rootDir, 'commitlog') : expandHome(config.storePathCommitLog),
    consumeQueueDir: join(rootDir, 'consumequeue'),
    indexDir: join(rootDir, 'index'),
    configDir: join(rootDir, 'config'),
    checkpointPath: join(rootDir, 'checkpoint'),
    abortPath: join(rootDir, 'abort'),
    segmentBytes,
    cqFileBytes: config.mappedFileSizeConsumeQueue,
    cqEntriesPerFile: config.mappedFileSizeConsumeQueue / 20,
    syncFlush: config.flushDiskType === 'SYNC_FLUSH',
    flushIntervalMs: config.flushIntervalCommitLog,
    flushLeastBytes: config.flushCommitLogLeastPages * 4096,
    flushThoroughIntervalMs: config.flushCommitLogThoroughInterval,
    cqFlushIntervalMs: config.flushIntervalConsumeQueue,
    syncFlushTimeoutMs: config.syncFlushTimeout,
    committerThread: config.transientStorePoolEnable,
    bodyBytesMax: config.maxMessageSize,
    appendBytesMax,
    batchBufferBytes: Math.min(batchBufferBytes, 64 * MIB),
    ringBytes: config.storeRingBytes,
    completionSlots: config.storeCompletionSlots,
    tailCacheBytes: config.storeTailCacheBytes,
    behindBytesMax: config.storeBehindBytesMax,
    queueSlotsMax: config.storeQueueSlotsMax,
    indexEnabled: config.messageIndexEnable,
    indexSlotCount: config.maxHashSlotNum,
    indexEntryCountMax: config.maxIndexNum,
    checkCrcOnRecover: config.checkCRCOnRecover,
    fileReservedMs: config.fileReservedTime * 3_600_000,
    deleteHours: parseDeleteWhen(config.deleteWhen),
    diskMaxUsedRatio: config.diskMaxUsedSpaceRatio / 100,
    delayLevelsMs: parseDelayLevels(config.messageDelayLevel),
    storeHostIp: config.brokerIP1 === '' ? pickLocalIpv4() : config.brokerIP1,
    storeHostPort: config.listenPort,
  });
}

function parseDeleteWhen(text: string): number[] {
  const hours = text.split(';').map((part) => Number(part.trim())).filter((hour) => Number.isInteger(hour));
  assert(hours.every((hour) => hour >= 0 && hour < 24), `deleteWhen hours must be 0-23: ${text}`);
  return hours;
}

const DELAY_UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDelayLevels(text: string): number[] {
  return text.trim().split(/\s+/).filter((token) => token !== '').map((token) => {
    const unitMs = DELAY_UNIT_MS[token.slice(-1)];
    const count = Number(token.slice(0, -1));
    assert(unitMs !== undefined && Number.isFinite(count), `bad delay level ${token}`);
    return count * unitMs;
  });
}

function pickLocalIpv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
