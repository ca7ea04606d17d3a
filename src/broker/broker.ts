import { join } from 'node:path';
import { systemClock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import { createLogger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import type { Channel, RequestHandler } from '../remoting/channel.js';
import { RemotingClient } from '../remoting/client.js';
import { RemotingServer } from '../remoting/server.js';
import type { StoreConfig } from '../store/config.js';
import { storeConfigFrom, storeConfigSchema } from '../store/config.js';
import { StoreProducer } from '../store/producer.js';
import type { StoreHandle } from '../store/store.js';
import { openStore } from '../store/store.js';
import { BrokerConfigHolder } from './broker-config-holder.js';
import type { BrokerConfig, BrokerRuntime } from './config.js';
import { deriveRuntime } from './config.js';
import type { ControlPlane } from './control-plane.js';
import { createControlPlane } from './control-plane.js';
import { dataPlaneConfigFrom } from './data-plane/config.js';
import type { LocalDataPlane } from './data-plane/local.js';
import { createLocalDataPlane } from './data-plane/local.js';
import { createRouter } from './router.js';
import { StoreAdapter } from './store-adapter.js';

export interface StartBrokerOptions {
  config: BrokerConfig;
  /** The `-c` file: UPDATE_BROKER_CONFIG persists there (else <store>/config/broker.properties). */
  configFile?: string | undefined;
}

export interface RunningBroker {
  readonly runtime: BrokerRuntime;
  readonly controlPlane: ControlPlane;
  /** The line RocketMQ prints when the broker is ready (reference §9.1). */
  readonly bootLine: string;
  /** Graceful stop: no new connections, held pulls answered, offsets flushed, unregistered, store closed. */
  stop(): Promise<void>;
}

interface BrokerLoggers {
  broker: Logger;
  store: Logger;
  remoting: Logger;
}

/**
 * Starts a broker in this process with the sockets on the main thread (TCP remoting on
 * `listenPort`; port 0 picks a free one): logs, store, control plane, data plane, the router
 * between them, and NameServer registration. Requests that arrive while the rest starts wait.
 */
export async function startBroker(options: StartBrokerOptions): Promise<RunningBroker> {
  const { config } = options;
  const logDir = deriveRuntime(config).logDir;
  const loggers: BrokerLoggers = {
    broker: createLogger('broker', logDir), store: createLogger('store', logDir), remoting: createLogger('remoting', logDir),
  };
  let route: RequestHandler | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const server = new RemotingServer({
    port: config.listenPort, logger: loggers.remoting, channelIdleMs: config.serverChannelMaxIdleTimeSeconds * 1000,
    handler: async (command: RemotingCommand, channel: Channel) => {
      if (route === null) await ready;
      return (route as unknown as RequestHandler)(command, channel);
    },
  });
  const port = await server.listen();
  try {
    const parts = await assemble(options, deriveRuntime(config, port), loggers);
    route = parts.route;
    markReady();
    return running(parts, server, loggers);
  } catch (error) {
    await server.close();
    throw error;
  }
}

interface BrokerParts {
  runtime: BrokerRuntime;
  store: StoreHandle;
  producer: StoreProducer;
  controlPlane: ControlPlane;
  dataPlane: LocalDataPlane;
  namesrvClient: RemotingClient;
  route: RequestHandler;
}

async function assemble(options: StartBrokerOptions, runtime: BrokerRuntime, loggers: BrokerLoggers): Promise<BrokerParts> {
  const { config } = options;
  const clock = systemClock;
  const store = await openStore(storeConfigOf(config, runtime), loggers.store);
  const producer = new StoreProducer(store.createProducerPort());
  const holder = new BrokerConfigHolder(config, options.configFile ?? join(runtime.configDir, 'broker.properties'), clock);
  const namesrvClient = new RemotingClient({ logger: loggers.remoting });
  const controlPlane = createControlPlane({
    brokerConfig: holder, runtime, clock, logger: loggers.broker,
    store: new StoreAdapter(store.reader, producer, store, clock.nowMs()),
    namesrv: runtime.namesrvAddresses.length === 0 ? null : namesrvClient,
  });
  const dataPlane = createLocalDataPlane({
    config: dataPlaneConfigFrom(config, runtime.brokerIp, runtime.listenPort),
    topics: controlPlane.topics, groups: controlPlane.groups, appender: producer, reader: store.reader,
    sendControl: async (message) => controlPlane.onDataPlaneMessage(message), logger: loggers.broker,
  });
  const route = createRouter({ dataPlane: dataPlane.handler, controlPlane: controlPlane.handler });
  dataPlane.start();
  await controlPlane.start();
  return { runtime, store, producer, controlPlane, dataPlane, namesrvClient, route };
}

function running(parts: BrokerParts, server: RemotingServer, loggers: BrokerLoggers): RunningBroker {
  const config = parts.controlPlane.context.brokerConfig.current();
  const namesrv = parts.runtime.namesrvAddresses.join(';');
  const bootLine = `The broker[${config.brokerName}, ${parts.runtime.brokerAddress}] boot success. `
    + `serializeType=JSON${namesrv === '' ? '' : ` and name server is ${namesrv}`}`;
  loggers.broker.info({ brokerAddress: parts.runtime.brokerAddress, namesrv }, bootLine);
  let stopping: Promise<void> | null = null;
  return {
    runtime: parts.runtime,
    controlPlane: parts.controlPlane,
    bootLine,
    stop() {
      stopping ??= stopParts(parts, server, loggers.broker);
      return stopping;
    },
  };
}

async function stopParts(parts: BrokerParts, server: RemotingServer, logger: Logger): Promise<void> {
  logger.info('broker shutting down');
  parts.dataPlane.stop();
  await parts.controlPlane.stop();
  await server.close();
  parts.namesrvClient.close();
  parts.producer.close();
  await parts.store.close();
  logger.info('broker stopped');
}

/** The store's keys from the broker config; the store host is the broker's registered address. */
function storeConfigOf(config: BrokerConfig, runtime: BrokerRuntime): StoreConfig {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(storeConfigSchema)) values[key] = config[key as keyof BrokerConfig];
  values.brokerIP1 = runtime.brokerIp;
  values.listenPort = runtime.listenPort;
  return storeConfigFrom(values as Partial<StoreConfig>);
}
