import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import type { RequestHandler } from '../remoting/channel.js';
import { RemotingClient } from '../remoting/client.js';
import { parseAddress } from '../remoting/connection.js';
import { wsConnectionFactory } from '../remoting/ws-connection.js';
import type { Remoting } from './client-api.js';

/**
 * WebSocket transport for broker traffic (`transport: 'ws'`). Routes carry the broker's TCP
 * remoting address (listenPort); the broker serves WebSocket remoting on listenPort + 2 at
 * path /remoting (DESIGN "Processes and ports"), so broker addresses are mapped before
 * connecting. Frames are byte-for-byte the TCP ones, so behaviour is identical. NameServer
 * traffic stays on TCP.
 */
export const WS_PORT_OFFSET = 2;

export function wsAddressOf(tcpAddress: string): string {
  const parsed = parseAddress(tcpAddress);
  if (parsed === null) return tcpAddress;
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  return `${host}:${parsed.port + WS_PORT_OFFSET}`;
}

export function wsBrokerRemoting(logger: Logger, handler: RequestHandler): Remoting {
  const client = new RemotingClient({ logger, handler, transport: 'ws', connectionFactory: wsConnectionFactory() });
  return {
    invoke: (address: string, command: RemotingCommand, timeoutMs: number) =>
      client.invoke(wsAddressOf(address), command, timeoutMs),
    invokeOneway: (address: string, command: RemotingCommand) => client.invokeOneway(wsAddressOf(address), command),
    close: () => client.close(),
  };
}
