import { type Socket, connect } from 'node:net';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { SOCKET_WRITE_QUEUE_BYTES_MAX } from '../common/limits.js';
import { type ConnectOptions, type Connection, parseAddress } from './connection.js';
import { SocketWriter } from './socket-writer.js';
import { socketAddress } from './tcp-channel.js';

/** The client's TCP connection: a socket with a coalescing writer behind the Connection interface. */
export class TcpConnection implements Connection {
  readonly transport = 'tcp' as const;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly writer: SocketWriter;
  private closedFlag = false;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(private readonly socket: Socket, writeQueueBytesMax = SOCKET_WRITE_QUEUE_BYTES_MAX) {
    this.remoteAddress = socketAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = socketAddress(socket.localAddress, socket.localPort);
    this.writer = new SocketWriter(socket, () => {}, writeQueueBytesMax);
    socket.on('close', () => this.markClosed('peer closed the connection'));
    socket.on('error', (error) => this.markClosed(`socket error: ${error.message}`));
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get writeQueueBytes(): number {
    return this.writer.bytes;
  }

  writeFrames(frames: readonly Buffer[]): void {
    if (this.closedFlag) return;
    if (!this.writer.enqueue(frames)) this.close(`write queue over ${this.writer.bytes} bytes`);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.socket.on('data', listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  close(reason: string): void {
    if (this.closedFlag) return;
    this.socket.destroy();
    this.markClosed(reason);
  }

  private markClosed(reason: string): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}

/** ConnectionFactory for TCP: resolves once connected, ERR_REMOTING_CONNECT otherwise. */
export function connectTcp(address: string, options: ConnectOptions): Promise<Connection> {
  const parsed = parseAddress(address);
  if (parsed === null) {
    return Promise.reject(new PetrelError(ErrorCode.ERR_REMOTING_CONNECT, `bad address "${address}"`));
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ host: parsed.host, port: parsed.port, noDelay: true });
    const fail = (message: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new PetrelError(ErrorCode.ERR_REMOTING_CONNECT, `connect to ${address} failed: ${message}`, {
        retriable: true,
      }));
    };
    const timer = setTimeout(() => fail(`timed out after ${options.connectTimeoutMs} ms`), options.connectTimeoutMs);
    socket.once('error', (error) => fail(error.message));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new TcpConnection(socket));
    });
  });
}
