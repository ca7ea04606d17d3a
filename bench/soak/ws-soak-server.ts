import { parentPort, workerData } from 'node:worker_threads';
import { type Logger, createLogger, flushLogs, silentLogger } from '../../src/common/log.js';
import type { WsImplementationChoice } from '../../src/remoting/ws-native.js';
import { startWsServer } from '../../src/remoting/ws-server.js';
import { type SoakServerStats, createSoakHandler, newSoakServerStats } from './ws-soak-protocol.js';

/**
 * Worker-thread entry of the WebSocket soak: one WsServer serving the soak protocol (SEND
 * checked, PULL synthesized), in its own thread as a broker I/O thread would run it, so the
 * client side of the soak does not share an event loop with it.
 */
export interface SoakServerData {
  implementation: WsImplementationChoice;
  host: string;
  /** null: silent. */
  logDir: string | null;
}

export type SoakServerReport =
  | { kind: 'listening'; port: number; implementation: 'uws' | 'node' }
  | { kind: 'stats'; stats: SoakServerStats }
  | { kind: 'failed'; error: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('ws-soak-server runs as a worker thread');
  const data = workerData as SoakServerData;
  const logger: Logger = data.logDir === null ? silentLogger : createLogger('remoting', data.logDir);
  const stats = newSoakServerStats();
  const report = (message: SoakServerReport): void => port.postMessage(message);
  try {
    const server = await startWsServer({
      host: data.host, port: 0, handler: createSoakHandler(stats), logger, implementation: data.implementation,
    });
    report({ kind: 'listening', port: server.port, implementation: server.implementation });
    port.once('message', () => {
      void server.close().then(() => {
        report({ kind: 'stats', stats });
        flushLogs();
        port.close();
      });
    });
  } catch (error) {
    report({ kind: 'failed', error: String(error) });
  }
}

void main();
