import { createServer } from 'node:net';
import { join } from 'node:path';
import { systemClock } from '../common/clock.js';
import { createLogger } from '../common/log.js';
import { raiseWorkerOldSpaceStart } from '../common/worker-heap.js';
import { RemotingClient } from '../remoting/client.js';
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
import { StoreAdapter } from './store-adapter.js';
import type { BrokerLoggers, Transports } from './transports.js';
import { startMainThreadTransport, startThreadedTransports } from './transports.js';

export interface StartBrokerOptions {
  config: BrokerConfig;
  /** The `-c` file: UPDATE_BROKER_CONFIG persists there (else <store>/config/broker.properties). */
  configFile?: string | undefined;
  /**
   * 'threads' (default): I/O worker threads own the sockets (TCP on listenPort, WebSocket on
   * listenPort + 2) and forward control commands here. 'main': one TCP server on this thread.
   */
  transport?: 'threads' | 'main';
  /** An I/O thread died: the broker cannot serve; the caller should stop and exit non-zero. */
  onFatal?: (error: Error) => void;
}

export interface RunningBroker {
  readonly runtime: BrokerRuntime;
  readonly controlPlane: ControlPlane;
  readonly transports: Transports;
  /** The line RocketMQ prints when the broker is ready (reference §9.1). */
  readonly bootLine: string;
  /** Graceful stop: sockets closed, held pulls answered, offsets flushed, unregistered, store closed. */
  stop(): Promise<void>;
}

interface BrokerParts {
  runtime: BrokerRuntime;
  store: StoreHandle;
  producer: StoreProducer;
  controlPlane: ControlPlane;
  namesrvClient: RemotingClient;
}

/**
 * Starts a broker in this process: logs, store, control plane, transports with the data plane,
 * and NameServer registration (after the transports listen, so a route never points at a closed
 * port). `listenPort=0` picks a free port first: the port is part of the store host written into
 * every record, so it must be known before the store opens.
 */
export async function startBroker(options: StartBrokerOptions): Promise<RunningBroker> {
  const { config } = options;
  const listenPort = config.listenPort === 0 ? await pickFreePort() : config.listenPort;
  const runtime = deriveRuntime(config, listenPort);
  const loggers: BrokerLoggers = {
    broker: createLogger('broker', runtime.logDir), store: createLogger('store', runtime.logDir),
    remoting: createLogger('remoting', runtime.logDir),
  };
  const parts = await assemble(options, runtime, loggers);
  let transports: Transports;
  try {
    const dataPlane = dataPlaneConfigFrom(config, runtime.brokerIp, runtime.listenPort);
    const deps = { config, runtime, dataPlane, store: parts.store, producer: parts.producer, controlPlane: parts.controlPlane, loggers };
    transports = options.transport === 'main'
      ? await startMainThreadTransport(deps)
      : await startThreadedTransports(deps, (error) => {
        loggers.broker.error({ err: error }, 'I/O thread failed');
        options.onFatal?.(error);
      });
    await parts.controlPlane.start();
  } catch (error) {
    await closeParts(parts);
    throw error;
  }
  return running(parts, transports, loggers);
}

async function assemble(options: StartBrokerOptions, runtime: BrokerRuntime, loggers: BrokerLoggers): Promise<BrokerParts> {
  const { config } = options;
  const clock = systemClock;
  // Before the first worker starts: every worker isolate takes its heap settings at creation.
  const initialOldSpaceMb = raiseWorkerOldSpaceStart();
  loggers.broker.info({ initialOldSpaceMb: initialOldSpaceMb ?? 'set by the operator' }, 'worker heap');
  const store = await openStore(storeConfigOf(config, runtime), loggers.store);
  const producer = new StoreProducer(store.createProducerPort());
  const holder = new BrokerConfigHolder(config, options.configFile ?? join(runtime.configDir, 'broker.properties'), clock);
  const namesrvClient = new RemotingClient({ logger: loggers.remoting });
  const controlPlane = createControlPlane({
    brokerConfig: holder, runtime, clock, logger: loggers.broker,
    store: new StoreAdapter(store.reader, producer, store, clock.nowMs()),
    namesrv: runtime.namesrvAddresses.length === 0 ? null : namesrvClient,
  });
  return { runtime, store, producer, controlPlane, namesrvClient };
}

function running(parts: BrokerParts, transports: Transports, loggers: BrokerLoggers): RunningBroker {
  const config = parts.controlPlane.context.brokerConfig.current();
  const namesrv = parts.runtime.namesrvAddresses.join(';');
  const bootLine = `The broker[${config.brokerName}, ${parts.runtime.brokerAddress}] boot success. `
    + `serializeType=JSON${namesrv === '' ? '' : ` and name server is ${namesrv}`}`;
  loggers.broker.info({ brokerAddress: parts.runtime.brokerAddress, namesrv, transports: transports.describe }, bootLine);
  let stopping: Promise<void> | null = null;
  return {
    runtime: parts.runtime,
    controlPlane: parts.controlPlane,
    transports,
    bootLine,
    stop() {
      stopping ??= (async () => {
        loggers.broker.info('broker shutting down');
        await transports.stop();
        await closeParts(parts);
        loggers.broker.info('broker stopped');
      })();
      return stopping;
    },
  };
}

/** After the transports: offsets flushed, NameServers told, store drained and closed. */
async function closeParts(parts: BrokerParts): Promise<void> {
  await parts.controlPlane.stop();
  parts.namesrvClient.close();
  parts.producer.close();
  await parts.store.close();
}

/** The store's keys from the broker config; the store host is the broker's registered address. */
function storeConfigOf(config: BrokerConfig, runtime: BrokerRuntime): StoreConfig {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(storeConfigSchema)) values[key] = config[key as keyof BrokerConfig];
  values.brokerIP1 = runtime.brokerIp;
  values.listenPort = runtime.listenPort;
  return storeConfigFrom(values as Partial<StoreConfig>);
}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
