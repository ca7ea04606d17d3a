import { crc32 } from 'node:zlib';
import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { createRequest } from '../protocol/command.js';
import type { TopicConfigSerializeWrapper } from '../protocol/bodies/route.js';
import { encodeRegisterBrokerBody } from '../protocol/bodies/route.js';
import {
  encodeRegisterBrokerRequestHeader, encodeUnregisterBrokerRequestHeader,
} from '../protocol/headers/namesrv.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { BrokerConfig, BrokerRuntime } from './config.js';
import { isReadable, isWriteable } from './perm.js';

/** The part of H2's RemotingClient the registrar uses. */
export interface NamesrvInvoker {
  invoke(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
}

export interface RegistrarOptions {
  invoker: NamesrvInvoker;
  runtime: BrokerRuntime;
  config: () => BrokerConfig;
  topicWrapper: () => TopicConfigSerializeWrapper;
  logger: Logger;
}

/** RocketMQ clamps registerNameServerPeriod to 10-60 s (reference §2.5). */
const REGISTER_PERIOD_MS_MIN = 10_000;
const REGISTER_PERIOD_MS_MAX = 60_000;

/**
 * REGISTER_BROKER to every NameServer in `namesrvAddr` (in parallel): at start, every
 * `registerNameServerPeriod`, and at once when `registerNow()` is called (topic or permission
 * changes; several calls while one round is in flight coalesce into one more round).
 * UNREGISTER_BROKER to each at `stop()`. Failures are logged and retried by the next round.
 */
export class NamesrvRegistrar {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly options: RegistrarOptions) {}

  /** Registers once (resolves when every NameServer answered or failed), then periodically. */
  async start(): Promise<void> {
    await this.registerAll();
    const periodMs = Math.min(REGISTER_PERIOD_MS_MAX,
      Math.max(REGISTER_PERIOD_MS_MIN, this.options.config().registerNameServerPeriod));
    this.timer = setInterval(() => this.registerNow(), periodMs);
    this.timer.unref();
  }

  registerNow(): void {
    if (this.stopped) return;
    if (this.inFlight !== null) {
      this.again = true;
      return;
    }
    this.inFlight = this.registerAll().then(() => undefined).finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        this.registerNow();
      }
    });
  }

  /** Resolves when the current registration round (if any) is over. */
  async settled(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.settled();
    await this.unregisterAll();
  }

  /** One REGISTER_BROKER round; resolves with the number of NameServers that accepted. */
  async registerAll(): Promise<number> {
    const config = this.options.config();
    const body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: this.wrapperForRegistration(config), filterServerList: [] });
    const header = encodeRegisterBrokerRequestHeader({
      brokerName: config.brokerName, brokerAddr: this.options.runtime.brokerAddress,
      clusterName: config.brokerClusterName, haServerAddr: this.options.runtime.haAddress,
      brokerId: config.brokerId, compressed: false, bodyCrc32: crc32(body) & 0x7fffffff,
    });
    const results = await Promise.all(this.options.runtime.namesrvAddresses.map((address) =>
      this.send(address, createRequest(RequestCode.REGISTER_BROKER, header, body), config.registerBrokerTimeoutMills)));
    return results.filter(Boolean).length;
  }

  private async unregisterAll(): Promise<void> {
    const config = this.options.config();
    const header = encodeUnregisterBrokerRequestHeader({
      brokerName: config.brokerName, brokerAddr: this.options.runtime.brokerAddress,
      clusterName: config.brokerClusterName, brokerId: config.brokerId,
    });
    await Promise.all(this.options.runtime.namesrvAddresses.map((address) =>
      this.send(address, createRequest(RequestCode.UNREGISTER_BROKER, header), config.registerBrokerTimeoutMills)));
  }

  /** Java: a broker without R or W registers every topic with the broker's permission. */
  private wrapperForRegistration(config: BrokerConfig): TopicConfigSerializeWrapper {
    const wrapper = this.options.topicWrapper();
    const perm = config.brokerPermission;
    if (isReadable(perm) && isWriteable(perm)) return wrapper;
    const table: TopicConfigSerializeWrapper['topicConfigTable'] = {};
    for (const [name, topic] of Object.entries(wrapper.topicConfigTable)) table[name] = { ...topic, perm };
    return { dataVersion: wrapper.dataVersion, topicConfigTable: table };
  }

  private async send(address: string, command: RemotingCommand, timeoutMs: number): Promise<boolean> {
    try {
      const response = await this.options.invoker.invoke(address, command, timeoutMs);
      if (response.code === ResponseCode.SUCCESS) return true;
      this.options.logger.warn({ address, code: response.code, remark: response.remark }, `request ${command.code} refused`);
    } catch (error) {
      this.options.logger.warn({ address, err: error }, `request ${command.code} to name server failed`);
    }
    return false;
  }
}
