import { parseAddress } from '../remoting/connection.js';

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
