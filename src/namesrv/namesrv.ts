import { assert } from '../common/assert.js';
import { type Clock, systemClock } from '../common/clock.js';
import { loadConfig } from '../common/config/load.js';
import { type Logger, createLogger } from '../common/log.js';
import type { Channel } from '../remoting/channel.js';
import { RemotingServer } from '../remoting/server.js';
import { type NamesrvConfig, expandHome, namesrvSchema } from './config.js';
import type { NamesrvContext } from './handlers/context.js';
import { createNamesrvRequestHandler } from './handlers/index.js';
import { KvConfigStore } from './kv-config.js';
import { RouteTable } from './route-table.js';

/**
 * The NameServer: a RemotingServer serving the route table and the KV config, plus the broker
 * liveness scan (every `scanNotActiveBrokerIntervalMs`, first after half of it, dropping brokers
 * silent for `brokerChannelExpiredTimeoutMs`) and the drop of a broker whose connection closes.
 * Lifecycle: `start()` loads kvConfig and listens; `stop()` stops the scan and closes every
 * connection. Nothing else is persisted: brokers re-register every 30 s.
 */
export interface NameServerOptions {
  config: NamesrvConfig;
  clock?: Clock;
  /** namesrv.log; default `<logDir>/namesrv.log`. */
  logger?: Logger;
  /** remoting.log; default `<logDir>/remoting.log`. */
  remotingLogger?: Logger;
}

export class NameServer {
  readonly routes: RouteTable;
  readonly kv: KvConfigStore;
  private readonly server: RemotingServer;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private currentConfig: NamesrvConfig;
  private scanTimer: NodeJS.Timeout | null = null;
  private firstScanTimer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(options: NameServerOptions) {
    this.currentConfig = options.config;
    const logDir = expandHome(options.config.logDir);
    this.logger = options.logger ?? createLogger('namesrv', logDir);
    this.clock = options.clock ?? systemClock;
    this.routes = new RouteTable(this.logger);
    this.kv = new KvConfigStore(expandHome(options.config.kvConfigPath), this.logger);
    const context: NamesrvContext = {
      routes: this.routes, kv: this.kv, clock: this.clock, logger: this.logger,
      config: () => this.currentConfig,
      updateConfig: (changes) => this.updateConfig(changes),
    };
    this.server = new RemotingServer({
      handler: createNamesrvRequestHandler(context),
      port: options.config.listenPort,
      host: options.config.bindAddress,
      logger: options.remotingLogger ?? createLogger('remoting', logDir),
      channelIdleMs: options.config.serverChannelMaxIdleTimeSeconds * 1000,
      clock: this.clock,
      onChannelClose: (channel) => this.channelClosed(channel),
    });
  }

  /** Loads kvConfig, listens, starts the liveness scan; resolves with the bound port. */
  async start(): Promise<number> {
    assert(!this.started, 'NameServer started twice');
    this.kv.load();
    const port = await this.server.listen();
    this.started = true;
    this.startScan();
    this.logger.info({ port, config: this.currentConfig }, 'name server started');
    return port;
  }

  get port(): number {
    return this.server.port;
  }

  config(): NamesrvConfig {
    return this.currentConfig;
  }

  /** Runs one liveness scan now; returns the dropped broker addresses. */
  scanNotActiveBrokers(): string[] {
    return this.routes.scanNotActiveBrokers(this.clock.nowMs(), this.currentConfig.brokerChannelExpiredTimeoutMs);
  }

  async stop(): Promise<void> {
    this.stopScan();
    await this.server.close();
    this.started = false;
    this.logger.info('name server stopped');
  }

  private channelClosed(channel: Channel): void {
    const brokerAddr = this.routes.channelClosed(channel);
    if (brokerAddr !== undefined) this.logger.info({ brokerAddr, remote: channel.remoteAddress }, 'broker channel closed');
  }

  private updateConfig(changes: Readonly<Record<string, string>>): void {
    const current: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.currentConfig)) current[key] = String(value);
    this.currentConfig = loadConfig(namesrvSchema, { overrides: { ...current, ...changes } });
    if (this.started) {
      this.stopScan();
      this.startScan();
    }
  }

  private startScan(): void {
    const intervalMs = this.currentConfig.scanNotActiveBrokerIntervalMs;
    const scan = (): void => {
      const dropped = this.scanNotActiveBrokers();
      if (dropped.length > 0) this.logger.warn({ dropped }, 'brokers expired');
    };
    // RocketMQ scans first after 5 s, then every 10 s.
    this.firstScanTimer = setTimeout(() => {
      scan();
      this.scanTimer = setInterval(scan, intervalMs);
      this.scanTimer.unref();
    }, Math.floor(intervalMs / 2));
    this.firstScanTimer.unref();
  }

  private stopScan(): void {
    if (this.firstScanTimer !== null) clearTimeout(this.firstScanTimer);
    if (this.scanTimer !== null) clearInterval(this.scanTimer);
    this.firstScanTimer = null;
    this.scanTimer = null;
  }
}
