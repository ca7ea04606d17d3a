import type { Channel, RequestHandler } from '../remoting/channel.js';
import { RemotingServer } from '../remoting/server.js';
import type { StoreProducer } from '../store/producer.js';
import type { StoreHandle } from '../store/store.js';
import type { Logger } from '../common/log.js';
import type { BrokerConfig, BrokerRuntime } from './config.js';
import type { ControlPlane } from './control-plane.js';
import type { DataPlaneConfig } from './data-plane/config.js';
import { createLocalDataPlane } from './data-plane/local.js';
import { startIoThreads } from './io/io-threads.js';
import { createRouter } from './router.js';

/** Dispatch-pool threads per I/O thread (pulls and queries): one keeps a 2-core box responsive. */
const DISPATCH_THREADS_PER_IO_THREAD = 1;

/** broker.log, store.log, remoting.log (RocketMQ's file names). */
export interface BrokerLoggers {
  broker: Logger;
  store: Logger;
  remoting: Logger;
}

export interface TransportDeps {
  config: BrokerConfig;
  runtime: BrokerRuntime;
  dataPlane: DataPlaneConfig;
  store: StoreHandle;
  producer: StoreProducer;
  controlPlane: ControlPlane;
  loggers: BrokerLoggers;
}

/** What owns the sockets and the data plane; stopped before the control plane and the store. */
export interface Transports {
  /** For the boot log line: ports and thread counts. */
  readonly describe: Record<string, string | number | null>;
  stop(): Promise<void>;
}

/**
 * The design's shape (DESIGN "The broker's threads"): `ioThreads` workers own TCP (thread 0) and
 * WebSocket/HTTP on listenPort + 2, serve the data plane, and forward every other command to
 * the control plane here through proxy channels (src/broker/io).
 */
export async function startThreadedTransports(deps: TransportDeps, onFatal: (error: Error) => void): Promise<Transports> {
  const { config, runtime, controlPlane } = deps;
  const io = await startIoThreads({
    threads: runtime.ioThreads, host: '0.0.0.0', listenPort: runtime.listenPort, wsPort: runtime.listenPort + 2,
    wsImplementation: 'auto', channelIdleMs: config.serverChannelMaxIdleTimeSeconds * 1000,
    dataPlane: deps.dataPlane, store: deps.store, dispatchThreads: DISPATCH_THREADS_PER_IO_THREAD,
    topics: controlPlane.topics, groups: controlPlane.groups, controlHandler: controlPlane.handler,
    sendControl: async (message) => controlPlane.onDataPlaneMessage(message),
    logDir: runtime.logDir, logger: deps.loggers.remoting, onFatal,
  });
  return {
    describe: { tcpPort: io.tcpPort, wsPort: io.wsPort, ws: io.wsImplementation, ioThreads: io.threadCount },
    stop: () => io.stop(),
  };
}

/** One TCP RemotingServer on the main thread with the router between the two planes. */
export async function startMainThreadTransport(deps: TransportDeps): Promise<Transports> {
  const { config, runtime, controlPlane, loggers } = deps;
  const dataPlane = createLocalDataPlane({
    config: deps.dataPlane, topics: controlPlane.topics, groups: controlPlane.groups, appender: deps.producer,
    reader: deps.store.reader, sendControl: async (message) => controlPlane.onDataPlaneMessage(message),
    logger: loggers.broker,
  });
  const route: RequestHandler = createRouter({ dataPlane: dataPlane.handler, controlPlane: controlPlane.handler });
  const server = new RemotingServer({
    port: runtime.listenPort, logger: loggers.remoting, channelIdleMs: config.serverChannelMaxIdleTimeSeconds * 1000,
    handler: (command, channel: Channel) => route(command, channel),
  });
  dataPlane.start();
  try {
    await server.listen();
  } catch (error) {
    dataPlane.stop();
    throw error;
  }
  return {
    describe: { tcpPort: server.port, wsPort: null, ioThreads: 0 },
    async stop() {
      dataPlane.stop();
      await server.close();
    },
  };
}
