import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { WS_COALESCE_BYTES_MAX, WS_MESSAGE_BYTES_MAX } from '../common/limits.js';
import type { Connection, ConnectionFactory, ConnectOptions } from './connection.js';
import { parseAddress, registerConnectionFactory } from './connection.js';
import { coalesceUnits } from './ws-channel.js';

/**
 * The client side of WebSocket remoting (the `ws` package), for addresses whose transport is
 * 'ws': `host:port` becomes `ws://host:port/remoting`. Frames queued in one tick go out as
 * binary messages built by `coalesceUnits` (small frames batched up to WS_COALESCE_BYTES_MAX,
 * a large frame alone); every received binary message is handed to `onData` as a chunk (it may
 * hold several frames, or part of one). `writeQueueBytes` counts this tick's frames plus the
 * socket's `bufferedAmount`, which RemotingClient checks against SOCKET_WRITE_QUEUE_BYTES_MAX
 * before it writes more.
 */
export interface WsConnectOptions {
  /** Default '/remoting'. */
  path?: string;
  /** Largest message accepted from the server. Default WS_MESSAGE_BYTES_MAX. */
  maxPayloadBytes?: number;
  coalesceBytesMax?: number;
}

/** Time allowed for the close handshake before the socket is destroyed. */
const CLOSE_HANDSHAKE_MS = 1000;
const CLOSE_NORMAL = 1000;

export class WsConnection implements Connection {
  readonly transport = 'ws' as const;
  private pendingUnits: Buffer[][] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private closedFlag = false;
  private dataListener: ((chunk: Buffer) => void) | null = null;
  private readonly earlyChunks: Buffer[] = [];
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string,
    readonly localAddress: string,
    private readonly coalesceBytesMax: number,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.received(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => {
      this.markClosed(`closed by peer (code ${code}${reason.length > 0 ? `: ${reason.toString()}` : ''})`);
    });
    ws.on('error', (error: Error) => {
      this.markClosed(`ws error: ${error.message}`);
      ws.terminate();
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get writeQueueBytes(): number {
    return this.pendingBytes + this.ws.bufferedAmount;
  }

  /** The underlying `ws` socket, for tests that pause reading (a slow reader). */
  get webSocket(): WebSocket {
    return this.ws;
  }

  writeFrames(frames: readonly Buffer[]): void {
    if (this.closedFlag || frames.length === 0) return;
    this.pendingUnits.push([...frames]);
    for (const frame of frames) this.pendingBytes += frame.length;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
    for (const chunk of this.earlyChunks.splice(0)) listener(chunk);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  close(reason: string): void {
    if (this.closedFlag) return;
    this.markClosed(reason);
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(CLOSE_NORMAL, Buffer.from(reason).subarray(0, 120));
      setTimeout(() => this.ws.terminate(), CLOSE_HANDSHAKE_MS).unref();
    } else {
      this.ws.terminate();
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closedFlag) return;
    const units = this.pendingUnits;
    this.pendingUnits = [];
    this.pendingBytes = 0;
    for (const message of coalesceUnits(units, this.coalesceBytesMax)) {
      this.ws.send(message, { binary: true, compress: false });
    }
  }

  private received(data: Buffer, isBinary: boolean): void {
    if (this.closedFlag) return;
    if (!isBinary) {
      this.close('text message on a binary protocol');
      return;
    }
    if (this.dataListener === null) this.earlyChunks.push(data);
    else this.dataListener(data);
  }

  private markClosed(reason: string): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.pendingUnits = [];
    this.pendingBytes = 0;
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}

/** Opens a WebSocket remoting connection to `address` ("host:port"). */
export function connectWs(
  address: string,
  options: ConnectOptions,
  wsOptions: WsConnectOptions = {},
): Promise<WsConnection> {
  const parsed = parseAddress(address);
  if (parsed === null) {
    return Promise.reject(new PetrelError(ErrorCode.ERR_REMOTING_CONNECT, `bad address ${address}`));
  }
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  const url = `ws://${host}:${parsed.port}${wsOptions.path ?? '/remoting'}`;
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    maxPayload: wsOptions.maxPayloadBytes ?? WS_MESSAGE_BYTES_MAX,
    handshakeTimeout: options.connectTimeoutMs,
  });
  let socket: Socket | null = null;
  ws.once('upgrade', (response) => {
    socket = response.socket;
  });
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => {
      ws.terminate();
      reject(new PetrelError(ErrorCode.ERR_REMOTING_CONNECT, `cannot connect to ${url}: ${error.message}`, {
        retriable: true, cause: error,
      }));
    };
    ws.once('error', failed);
    ws.once('open', () => {
      ws.off('error', failed);
      const connected = socket as Socket | null;
      const remote = connected === null ? address : `${connected.remoteAddress ?? ''}:${connected.remotePort ?? 0}`;
      const local = connected === null ? '' : `${connected.localAddress ?? ''}:${connected.localPort ?? 0}`;
      resolve(new WsConnection(ws, remote, local, wsOptions.coalesceBytesMax ?? WS_COALESCE_BYTES_MAX));
    });
  });
}

/** A ConnectionFactory for RemotingClient's 'ws' transport. */
export function wsConnectionFactory(wsOptions: WsConnectOptions = {}): ConnectionFactory {
  return (address, options) => connectWs(address, options, wsOptions);
}

// Importing this module makes `new RemotingClient({ transport: 'ws' })` work.
registerConnectionFactory('ws', wsConnectionFactory());
