import { createLogger, type Logger } from '../common/log.js';
import { type RemotingCommand, createResponse } from '../protocol/command.js';
import type { TopicRouteData } from '../protocol/bodies/route.js';
import { isJsonObject, keyedEntries, parseFastjson } from '../protocol/fastjson.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Channel } from '../remoting/channel.js';
import { RemotingClient } from '../remoting/client.js';
import {
  getTopicRoute, type HeartbeatData, type Remoting, sendHeartbeat, unregisterClient,
} from './client-api.js';
import { clientIdOf, type ClientOptions, resolveClientConfig, type ResolvedClientConfig } from './client-config.js';
import { noRoute } from './errors.js';
import type { MessageQueue } from './message-queue.js';
import { MASTER_ID, sameRoute } from './topic-route.js';
import { connectTcp } from '../remoting/tcp-connection.js';
import { wsConnectionFactory } from '../remoting/ws-connection.js';
import { BrokerRemoting } from './broker-remoting.js';
import { wsAddressOf } from './ws-transport.js';

/**
 * What every client shares (Java's MQClientInstance): the client id, the log, the remoting
 * connections, the route table refreshed every 30 s, broker addresses, the heartbeat every
 * 30 s to every broker, and the handling of requests brokers send to clients
 * (NOTIFY_CONSUMER_IDS_CHANGED). One instance per Producer / consumer object, so two consumers
 * in one process have distinct client ids, as group membership requires.
 */
export interface ClientMember {
  /** Topics whose routes must be kept fresh. */
  topics(): Iterable<string>;
  /** A route appeared or changed. */
  routeChanged(topic: string, route: TopicRouteData): void;
  /** Adds this member's producer/consumer data to a heartbeat. */
  fillHeartbeat(heartbeat: HeartbeatData): void;
  /** NOTIFY_CONSUMER_IDS_CHANGED for this member's group (consumers only). */
  consumerIdsChanged?(group: string): void;
  /** RESET_CONSUMER_CLIENT_OFFSET (mqadmin resetOffsetByTime): restart these queues at these offsets. */
  resetOffsets?(topic: string, group: string, offsets: ReadonlyArray<[MessageQueue, number]>): void;
  /** CHECK_TRANSACTION_STATE from a broker (transactional producers only). */
  checkTransactionState?(command: RemotingCommand, channel: Channel): void;
  /** Unregisters from one broker on shutdown. */
  groups(): { producerGroup?: string; consumerGroup?: string };
}

export class ClientInstance {
  readonly config: ResolvedClientConfig;
  readonly clientId: string;
  readonly logger: Logger;
  /** NameServer traffic: always TCP. */
  readonly namesrvRemoting: Remoting;
  /** Broker traffic: TCP, or WebSocket when `transport: 'ws'`. */
  readonly brokerRemoting: BrokerRemoting;
  private readonly routes = new Map<string, TopicRouteData>();
  private readonly brokerAddrs = new Map<string, Map<number, string>>();
  /** Route queries in flight, one per topic: concurrent callers share it (no lookup storm). */
  private readonly routeQueries = new Map<string, Promise<TopicRouteData | null>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private namesrvIndex = 0;
  private member: ClientMember | null = null;
  private started = false;

  constructor(options: ClientOptions) {
    this.config = resolveClientConfig(options);
    this.clientId = clientIdOf(this.config);
    this.logger = createLogger('rocketmq_client', this.config.logDir, this.config.logLevel)
      .child({ clientId: this.clientId });
    const tcp = new RemotingClient({
      logger: this.logger, handler: (command, channel) => this.serve(command, channel),
      ...(this.config.connectionFactory === undefined ? {} : { connectionFactory: this.config.connectionFactory }),
    });
    this.namesrvRemoting = tcp;
    const ws = this.config.transport === 'ws';
    this.brokerRemoting = new BrokerRemoting({
      logger: this.logger, handler: (command, channel) => this.serve(command, channel),
      factory: this.config.connectionFactory ?? (ws ? wsConnectionFactory() : connectTcp),
      ...(ws ? { addressOf: wsAddressOf } : {}),
    });
  }

  /** Connects the member and starts the route and heartbeat timers. */
  async start(member: ClientMember): Promise<void> {
    this.member = member;
    this.started = true;
    this.every(this.config.pollNameServerIntervalMs, () => this.refreshAllRoutes());
    this.every(this.config.heartbeatBrokerIntervalMs, () => this.heartbeatAll());
  }

  /** Runs `task` every `intervalMs` (unref'd: timers never keep the process alive). */
  every(intervalMs: number, task: () => Promise<void> | void): void {
    const timer = setInterval(() => {
      Promise.resolve().then(task).catch((error: unknown) => this.logger.warn({ err: error }, 'scheduled task failed'));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  get running(): boolean {
    return this.started;
  }

  route(topic: string): TopicRouteData | undefined {
    return this.routes.get(topic);
  }

  /**
   * Fetches the route of `topic` from a NameServer (trying each in turn), stores it and tells
   * the member when it changed. Returns null when no NameServer knows the topic. Callers that
   * ask while a query of the same topic is in flight share it: 65k concurrent first sends to a
   * new topic make one GET_ROUTEINFO_BY_TOPIC, not 65k that time out behind each other.
   */
  updateRoute(topic: string): Promise<TopicRouteData | null> {
    let query = this.routeQueries.get(topic);
    if (query === undefined) {
      query = this.queryRoute(topic).finally(() => this.routeQueries.delete(topic));
      this.routeQueries.set(topic, query);
    }
    return query;
  }

  private async queryRoute(topic: string): Promise<TopicRouteData | null> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.config.namesrvAddrs.length; attempt++) {
      const address = this.config.namesrvAddrs[this.namesrvIndex % this.config.namesrvAddrs.length] as string;
      try {
        const route = await getTopicRoute(this.namesrvRemoting, address, topic, this.config.requestTimeoutMs);
        if (route !== null) this.storeRoute(topic, route);
        return route;
      } catch (error) {
        lastError = error;
        this.namesrvIndex++;
        this.logger.warn({ err: error, namesrv: address, topic }, 'route query failed');
      }
    }
    throw noRoute(topic, lastError);
  }

  private storeRoute(topic: string, route: TopicRouteData): void {
    for (const broker of route.brokerDatas) this.brokerAddrs.set(broker.brokerName, new Map(broker.brokerAddrs));
    const previous = this.routes.get(topic);
    if (previous !== undefined && sameRoute(previous, route)) return;
    this.routes.set(topic, route);
    this.logger.info({ topic, brokers: route.brokerDatas.map((b) => b.brokerName) }, 'topic route changed');
    this.member?.routeChanged(topic, route);
  }

  async refreshAllRoutes(): Promise<void> {
    if (this.member === null) return;
    await Promise.all([...this.member.topics()].map((topic) => this.updateRoute(topic).catch((error: unknown) => {
      this.logger.warn({ err: error, topic }, 'route refresh failed');
    })));
  }

  /** The master's address of a broker (sends, offsets, send-back). */
  masterAddress(brokerName: string): string | undefined {
    return this.brokerAddrs.get(brokerName)?.get(MASTER_ID);
  }

  /** The suggested broker's address, else the master, else any address of that broker (pulls). */
  subscribeAddress(brokerName: string, brokerId: number): string | undefined {
    const addresses = this.brokerAddrs.get(brokerName);
    if (addresses === undefined) return undefined;
    return addresses.get(brokerId) ?? addresses.get(MASTER_ID) ?? addresses.values().next().value;
  }

  /** Every broker address known (heartbeats go to all of them). */
  allBrokerAddresses(): string[] {
    const all = new Set<string>();
    for (const addresses of this.brokerAddrs.values()) for (const address of addresses.values()) all.add(address);
    return [...all];
  }

  /** Sends a heartbeat to every known broker; failures are logged, not thrown. */
  async heartbeatAll(): Promise<void> {
    if (this.member === null) return;
    const heartbeat: HeartbeatData = { clientID: this.clientId, producerDataSet: [], consumerDataSet: [] };
    this.member.fillHeartbeat(heartbeat);
    await Promise.all(this.allBrokerAddresses().map(async (address) => {
      try {
        await sendHeartbeat(this.brokerRemoting, address, heartbeat, this.config.requestTimeoutMs);
      } catch (error) {
        this.logger.warn({ err: error, broker: address }, 'heartbeat failed');
      }
    }));
  }

  /** Stops timers, unregisters from every broker, closes connections. */
  async shutdown(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    if (this.member !== null) {
      const groups = this.member.groups();
      await Promise.all(this.allBrokerAddresses().map((address) =>
        unregisterClient(this.brokerRemoting, address, this.clientId, groups, this.config.requestTimeoutMs)
          .catch((error: unknown) => this.logger.warn({ err: error, broker: address }, 'unregister failed'))));
    }
    this.started = false;
    this.namesrvRemoting.close();
    this.brokerRemoting.close();
    this.logger.info('client shut down');
  }

  /** Requests brokers send to clients. */
  private serve(command: RemotingCommand, channel: Channel): RemotingCommand | null {
    if (command.code === RequestCode.CHECK_TRANSACTION_STATE) {
      if (this.member?.checkTransactionState === undefined) {
        this.logger.warn({ broker: channel.remoteAddress }, 'CHECK_TRANSACTION_STATE for a client that is not a transaction producer');
      } else {
        this.member.checkTransactionState(command, channel);
      }
      return null;
    }
    if (command.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED) {
      const group = command.extFields?.['consumerGroup'] ?? '';
      this.logger.info({ group }, 'NOTIFY_CONSUMER_IDS_CHANGED');
      this.member?.consumerIdsChanged?.(group);
      return null;
    }
    if (command.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET) {
      const topic = command.extFields?.['topic'] ?? '';
      const group = command.extFields?.['group'] ?? '';
      const offsets = resetOffsetTable(command.body);
      this.logger.info({ topic, group, queues: offsets.length }, 'RESET_CONSUMER_CLIENT_OFFSET');
      this.member?.resetOffsets?.(topic, group, offsets);
      return null;
    }
    return createResponse(command, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${command.code} not supported`);
  }
}

/** ResetOffsetBody `{"offsetTable":{<MessageQueue>:offset}}` in either fastjson key form; [] if unreadable. */
function resetOffsetTable(body: Buffer | null): Array<[MessageQueue, number]> {
  if (body === null || body.length === 0) return [];
  try {
    const root = parseFastjson(body);
    if (!isJsonObject(root)) return [];
    const table: Array<[MessageQueue, number]> = [];
    for (const [key, value] of keyedEntries(root['offsetTable'])) {
      if (!isJsonObject(key) || typeof value !== 'number') continue;
      const { topic, brokerName, queueId } = key;
      if (typeof topic === 'string' && typeof brokerName === 'string' && typeof queueId === 'number') {
        table.push([{ topic, brokerName, queueId }, value]);
      }
    }
    return table;
  } catch {
    return [];
  }
}
