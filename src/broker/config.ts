import { cpus, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { ConfigOf } from '../common/config/schema.js';
import { booleanKey, numberKey, stringKey } from '../common/config/schema.js';
import { defaultLogDir } from '../common/log.js';
import { expandHome } from '../store/config.js';
import { PULL_BODY_BYTES_MAX, PULL_MESSAGES_MAX } from './data-plane/bounds.js';
import { storeSchemaKeys } from './store-config-keys.js';

/**
 * The broker's config schema: RocketMQ's BrokerConfig / NettyServerConfig key names and defaults
 * (reference §7.2), plus the store's keys, so an operator's broker.conf works unchanged. Keys
 * RocketMQ has but Petrel ignores are accepted only where a shipped conf file uses them.
 * Unknown keys are refused by `loadConfig`.
 */
const PERM_READ_WRITE = 6;

export const brokerSchema = {
  ...storeSchemaKeys,
  brokerClusterName: stringKey('DefaultCluster', 'cluster this broker registers under'),
  brokerName: stringKey('broker-a', 'broker name; masters and their slaves share it'),
  brokerId: numberKey(0, '0 = master, > 0 = slave', { min: 0 }),
  namesrvAddr: stringKey('', "NameServer addresses, 'host:port;host:port' (-n overrides)"),
  brokerIP1: stringKey('', 'address registered and written as store host ("" = first non-loopback IPv4)'),
  brokerIP2: stringKey('', 'HA address ("" = brokerIP1)'),
  listenPort: numberKey(10911, 'TCP remoting port; HA is +1, WebSocket/HTTP +2', { min: 0, max: 65533 }),
  brokerPermission: numberKey(PERM_READ_WRITE, 'broker-wide perm bits (R=4, W=2)', { min: 0, max: 15 }),
  defaultTopicQueueNums: numberKey(8, 'queues of TBW102 and of auto-created topics (upper bound)', {
    min: 1, max: 1024,
  }),
  autoCreateTopicEnable: booleanKey(true, 'create TBW102 so unknown topics are created on send'),
  clusterTopicEnable: booleanKey(true, 'cluster-name topic writable (perm 7) or not (perm 1)'),
  brokerTopicEnable: booleanKey(true, 'broker-name topic writable (perm 7) or not (perm 1)'),
  autoCreateSubscriptionGroup: booleanKey(true, 'create unknown subscription groups on first use'),
  traceTopicEnable: booleanKey(false, 'create the message-trace topic'),
  msgTraceTopicName: stringKey('RMQ_SYS_TRACE_TOPIC', 'message-trace topic name'),
  rejectTransactionMessage: booleanKey(false, 'refuse half (prepared) messages'),
  longPollingEnable: booleanKey(true, 'hold empty pulls until data arrives or the suspend ends'),
  shortPollingTimeMills: numberKey(1000, 'hold time for empty pulls when long polling is off', {
    min: 0, max: 30_000,
  }),
  notifyConsumerIdsChangedEnable: booleanKey(true, 'send NOTIFY_CONSUMER_IDS_CHANGED on changes'),
  slaveReadEnable: booleanKey(false, 'suggest slaves to consumers far behind'),
  transferMsgByHeap: booleanKey(true, 'accepted for compatibility; pulls always assemble one buffer'),
  flushConsumerOffsetInterval: numberKey(5000, 'ms between consumerOffset.json writes', {
    min: 100, max: 3_600_000,
  }),
  flushDelayOffsetInterval: numberKey(10_000, 'ms between delayOffset.json writes', {
    min: 100, max: 3_600_000,
  }),
  registerNameServerPeriod: numberKey(30_000, 'ms between REGISTER_BROKER rounds (clamped 10-60 s)', {
    min: 1000, max: 60_000,
  }),
  registerBrokerTimeoutMills: numberKey(6000, 'REGISTER_BROKER timeout, ms', { min: 100, max: 60_000 }),
  forceRegister: booleanKey(true, 'always send the full topic table when registering'),
  compressedRegister: booleanKey(false, 'accepted for compatibility; registration is never compressed'),
  enablePropertyFilter: booleanKey(false, 'allow SQL92 subscriptions'),
  enableCalcFilterBitMap: booleanKey(false, 'accepted for compatibility; no bloom pre-filter'),
  filterSupportRetry: booleanKey(false, 'filter retry-topic messages with the original expression'),
  transactionTimeOut: numberKey(6000, 'ms before a half message is first checked', { min: 0 }),
  transactionCheckMax: numberKey(15, 'checks before a half message is discarded', { min: 0 }),
  transactionCheckInterval: numberKey(60_000, 'ms between transaction check rounds', { min: 1000 }),
  rebalanceLockMaxLiveTime: numberKey(60_000, 'ms an orderly consumer\'s queue lock lives unrefreshed', {
    min: 1, max: 3_600_000,
  }),
  aclEnable: booleanKey(false, 'ACL (not supported; must stay false)'),
  regionId: stringKey('DefaultRegion', 'MSG_REGION in send replies'),
  traceOn: booleanKey(true, 'TRACE_ON in send replies'),
  startAcceptSendRequestTimeStamp: numberKey(0, 'epoch ms before which sends are refused', { min: 0 }),
  brokerFastFailureEnable: booleanKey(true, 'answer requests queued too long with SYSTEM_BUSY'),
  waitTimeMillsInSendQueue: numberKey(200, 'ms a send may wait before SYSTEM_BUSY', { min: 1 }),
  sendThreadPoolQueueCapacity: numberKey(10_000, 'sends that may wait for the store, per I/O thread', {
    min: 1, max: 1_000_000,
  }),
  maxTransferBytesOnMessageInMemory: numberKey(PULL_BODY_BYTES_MAX,
    'bytes per pull body at most (at least one whole message); sizes the I/O threads\' body slots', {
      min: 1024, max: 16 * 1024 * 1024,
    }),
  maxTransferCountOnMessageInMemory: numberKey(PULL_MESSAGES_MAX, 'messages per pull at most (RocketMQ: 32)', {
    min: 1, max: 65_536,
  }),
  waitTimeMillsInPullQueue: numberKey(5000, 'ms a pull may wait before SYSTEM_BUSY', { min: 1 }),
  storeReplyMessageEnable: booleanKey(true, 'store request/reply messages'),
  serverChannelMaxIdleTimeSeconds: numberKey(120, 'close client connections idle this long', {
    min: 1, max: 86_400,
  }),
  ioThreads: numberKey(0, 'WebSocket/TCP I/O threads (0 = CPU count)', { min: 0, max: 256 }),
  logDir: stringKey('', 'log directory ("" = ~/logs/rocketmqlogs)'),
  rocketmqHome: stringKey('', 'accepted for compatibility (ROCKETMQ_HOME)'),
} as const;

export type BrokerConfig = ConfigOf<typeof brokerSchema>;

/** Values derived once from the loaded config (STYLE §9: derive, assert, freeze, pass). */
export interface BrokerRuntime {
  readonly brokerIp: string;
  /** The TCP remoting port actually bound (config listenPort, or the one picked for 0). */
  readonly listenPort: number;
  readonly haIp: string;
  readonly brokerAddress: string;
  readonly haAddress: string;
  readonly namesrvAddresses: readonly string[];
  readonly logDir: string;
  readonly storeRoot: string;
  readonly configDir: string;
  readonly ioThreads: number;
}

export function deriveRuntime(config: BrokerConfig, listenPort = config.listenPort): BrokerRuntime {
  const brokerIp = config.brokerIP1 === '' ? pickLocalIp() : config.brokerIP1;
  const haIp = config.brokerIP2 === '' ? brokerIp : config.brokerIP2;
  const storeRoot = expandHome(config.storePathRootDir);
  return Object.freeze({
    brokerIp,
    listenPort,
    haIp,
    brokerAddress: `${brokerIp}:${listenPort}`,
    haAddress: `${haIp}:${listenPort + 1}`,
    namesrvAddresses: parseNamesrvAddresses(config.namesrvAddr),
    logDir: config.logDir === '' ? defaultLogDir() : expandHome(config.logDir),
    storeRoot,
    configDir: join(storeRoot, 'config'),
    ioThreads: config.ioThreads === 0 ? cpus().length : config.ioThreads,
  });
}

/** `host:port;host:port` → list; blanks dropped. Throws nothing: validation is `validateNamesrv`. */
export function parseNamesrvAddresses(text: string): string[] {
  return text.split(';').map((part) => part.trim()).filter((part) => part !== '');
}

/** An address list problem, or undefined when every entry is `host:port` with a valid port. */
export function validateNamesrv(text: string): string | undefined {
  for (const address of parseNamesrvAddresses(text)) {
    const colon = address.lastIndexOf(':');
    const port = Number(address.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      return `bad name server address: ${address}`;
    }
  }
  return undefined;
}

function pickLocalIp(): string {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return entry.address;
    }
  }
  return '127.0.0.1';
}
