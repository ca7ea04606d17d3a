import { networkInterfaces } from 'node:os';
import type { ConnectionFactory } from '../remoting/connection.js';
import { clientState } from './errors.js';

/**
 * Options every client (producer, push consumer, pull consumer) shares, with RocketMQ's names
 * (ClientConfig). `namesrvAddr` falls back to the NAMESRV_ADDR environment variable, as the
 * Java client and the quickstart do.
 */
export interface ClientOptions {
  /** "host:port;host:port". Default: $NAMESRV_ADDR. */
  namesrvAddr?: string;
  /** Part of the client id; "DEFAULT" becomes "<pid>#<unique>" so two clients never collide. */
  instanceName?: string;
  /** The IP put in the client id and UNIQ_KEY. Default: first non-internal IPv4 address. */
  clientIP?: string;
  unitName?: string;
  /** 'tcp' (default) or 'ws' (WebSocket to the broker's listenPort + 2 ... as routed). */
  transport?: 'tcp' | 'ws';
  /** Directory of rocketmq_client.log. Default ~/logs/rocketmqlogs. */
  logDir?: string;
  /** pino level for the client log. Default 'info'. */
  logLevel?: string;
  /** Route refresh period (pollNameServerInterval). Default 30 000 ms. */
  pollNameServerIntervalMs?: number;
  /** Heartbeat period (heartbeatBrokerInterval). Default 30 000 ms. */
  heartbeatBrokerIntervalMs?: number;
  /** Timeout of control requests (route, heartbeat, offsets). Default 3000 ms. */
  requestTimeoutMs?: number;
  /** @internal Replaces the TCP connection layer (tests and benchmarks). */
  connectionFactory?: ConnectionFactory;
}

export const POLL_NAMESRV_INTERVAL_MS_DEFAULT = 30_000;
export const HEARTBEAT_INTERVAL_MS_DEFAULT = 30_000;
export const REQUEST_TIMEOUT_MS_DEFAULT = 3_000;

export interface ResolvedClientConfig {
  namesrvAddrs: string[];
  clientIP: string;
  instanceName: string;
  unitName: string | undefined;
  transport: 'tcp' | 'ws';
  logDir: string | undefined;
  logLevel: string;
  pollNameServerIntervalMs: number;
  heartbeatBrokerIntervalMs: number;
  requestTimeoutMs: number;
  connectionFactory: ConnectionFactory | undefined;
}

let instanceSequence = 0;

export function resolveClientConfig(options: ClientOptions): ResolvedClientConfig {
  const addressText = options.namesrvAddr ?? process.env['NAMESRV_ADDR'] ?? '';
  const namesrvAddrs = addressText.split(/[;,]/).map((a) => a.trim()).filter((a) => a.length > 0);
  if (namesrvAddrs.length === 0) {
    throw clientState('no NameServer address: set the namesrvAddr option or the NAMESRV_ADDR environment variable');
  }
  let instanceName = options.instanceName ?? process.env['ROCKETMQ_CLIENT_NAME'] ?? 'DEFAULT';
  if (instanceName === 'DEFAULT') {
    instanceSequence += 1;
    instanceName = `${process.pid}#${Date.now() % 1_000_000_000}${instanceSequence}`;
  }
  return {
    namesrvAddrs,
    clientIP: options.clientIP ?? localIPv4(),
    instanceName,
    unitName: options.unitName,
    transport: options.transport ?? 'tcp',
    logDir: options.logDir,
    logLevel: options.logLevel ?? 'info',
    pollNameServerIntervalMs: options.pollNameServerIntervalMs ?? POLL_NAMESRV_INTERVAL_MS_DEFAULT,
    heartbeatBrokerIntervalMs: options.heartbeatBrokerIntervalMs ?? HEARTBEAT_INTERVAL_MS_DEFAULT,
    requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT,
    connectionFactory: options.connectionFactory,
  };
}

/** clientId = clientIP@instanceName[@unitName] (reference §5.7). */
export function clientIdOf(config: ResolvedClientConfig): string {
  const base = `${config.clientIP}@${config.instanceName}`;
  return config.unitName === undefined ? base : `${base}@${config.unitName}`;
}

export function localIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
