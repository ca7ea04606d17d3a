import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConfigOf } from '../common/config/schema.js';
import { booleanKey, numberKey, stringKey } from '../common/config/schema.js';

/**
 * The NameServer's config keys: RocketMQ's NamesrvConfig and NettyServerConfig names and
 * defaults (reference §2.5, §7), so an operator's namesrv.conf works unchanged, plus Petrel's
 * own `logDir` and the two liveness intervals (hard-coded in RocketMQ; keys here so tests can
 * shorten them). Netty thread/semaphore keys are accepted for compatibility and have no effect:
 * Node has one event loop and bounds in-flight work per connection instead.
 */
export const namesrvSchema = {
  listenPort: numberKey(9876, 'TCP remoting port (0 = any free port)', { min: 0, max: 65535 }),
  bindAddress: stringKey('0.0.0.0', 'interface to listen on'),
  logDir: stringKey('~/logs/rocketmqlogs', 'directory of namesrv.log, remoting.log and namesrv.pid'),
  rocketmqHome: stringKey('', 'accepted for compatibility (ROCKETMQ_HOME); unused'),
  kvConfigPath: stringKey('~/namesrv/kvConfig.json', 'KV config store, {"configTable":{ns:{k:v}}}'),
  configStorePath: stringKey('~/namesrv/namesrv.properties', 'accepted for compatibility; unused'),
  productEnvName: stringKey('center', 'accepted for compatibility; unused'),
  clusterTest: booleanKey(false, 'accepted for compatibility; unused'),
  orderMessageEnable: booleanKey(false, 'fill orderTopicConf of routes from KV namespace ORDER_TOPIC_CONFIG'),
  scanNotActiveBrokerIntervalMs: numberKey(10_000, 'ms between broker liveness scans', { min: 10 }),
  brokerChannelExpiredTimeoutMs: numberKey(120_000, 'ms without REGISTER_BROKER before a broker is dropped', {
    min: 10,
  }),
  serverChannelMaxIdleTimeSeconds: numberKey(120, 'close connections idle this long (0 = never)', { min: 0 }),
  serverWorkerThreads: numberKey(8, 'accepted for compatibility; no effect', { min: 0 }),
  serverSelectorThreads: numberKey(3, 'accepted for compatibility; no effect', { min: 0 }),
  serverCallbackExecutorThreads: numberKey(0, 'accepted for compatibility; no effect', { min: 0 }),
  serverOnewaySemaphoreValue: numberKey(256, 'accepted for compatibility; no effect', { min: 0 }),
  serverAsyncSemaphoreValue: numberKey(64, 'accepted for compatibility; no effect', { min: 0 }),
  serverSocketSndBufSize: numberKey(0, 'accepted for compatibility; no effect', { min: 0 }),
  serverSocketRcvBufSize: numberKey(0, 'accepted for compatibility; no effect', { min: 0 }),
  serverPooledByteBufAllocatorEnable: booleanKey(true, 'accepted for compatibility; no effect'),
  useEpollNativeSelector: booleanKey(false, 'accepted for compatibility; no effect'),
} as const;

export type NamesrvConfig = ConfigOf<typeof namesrvSchema>;

/** Keys UPDATE_NAMESRV_CONFIG may not change (RocketMQ's configBlackList plus our paths). */
export const NAMESRV_CONFIG_BLACKLIST: readonly string[] = [
  'configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome', 'logDir', 'listenPort', 'bindAddress',
];

/** Expands a leading `~` to the home directory, as RocketMQ's `user.home` defaults do. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}
