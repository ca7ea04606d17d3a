import { type Socket, connect } from 'node:net';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { SOCKET_WRITE_QUEUE_BYTES_MAX } from '../common/limits.js';
import { type ConnectOptions, type Connection, parseAddress } from './connection.js';
import { SocketWriter } from './socket-writer.js';
import { socketAddress } from './tcp-channel.js';

/** The connection's own read buffers are carved from slabs of Node's default read size... */
const READ_SLAB_BYTES = 64 * 1024;
/** ...and a slab with less than this left unread is replaced rather than read into. */
const READ_WINDOW_BYTES_MIN = 16 * 1024;

/**
 * The read right after a lent frame completes is at most this long: large frames tend to come
 * back to back, and the next one's first read is copied into its own buffer once its length is
 * known, so that read should hold little more than the next frame's prefix and header.
 */
const READ_AFTER_FRAME_BYTES = 4 * 1024;

/**
 * The socket's reads (net `onread`, no 'data' events): each read lands in the reader's target
 * when it names one (a large frame's missing bytes), else in the unread tail of a slab. Slab
 * bytes are never read into twice: frames handed on are views that consumers keep.
 */
class SocketReads {
  private listener: ((chunk: Buffer) => void) | null = null;
  private target: () => Buffer | null = () => null;
  /** Chunks read before the listener is registered. */
  private early: Buffer[] = [];
  private slab = Buffer.allocUnsafe(READ_SLAB_BYTES);
  private slabPosition = 0;
  private lastReadWasLent = false;

  readInto(target: () => Buffer | null): void {
    this.target = target;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.listener = listener;
    for (const chunk of this.early.splice(0)) listener(chunk);
  }

  stop(): void {
    this.target = () => null;
  }

  /** Called by net after every read (and once at connect): where the next read lands. */
  nextBuffer(): Buffer {
    const target = this.listener === null ? null : this.target();
    if (target !== null && target.length > 0) return target;
    if (this.slab.length - this.slabPosition < READ_WINDOW_BYTES_MIN) {
      this.slab = Buffer.allocUnsafe(READ_SLAB_BYTES);
      this.slabPosition = 0;
    }
    const windowBytes = this.lastReadWasLent ? READ_AFTER_FRAME_BYTES : this.slab.length - this.slabPosition;
    return this.slab.subarray(this.slabPosition, this.slabPosition + windowBytes);
  }

  /** Hands the bytes read to the listener; true: keep reading (flowing, as with 'data'). */
  delivered(bytesRead: number, buffer: Uint8Array): boolean {
    const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytesRead);
    this.lastReadWasLent = buffer.buffer !== this.slab.buffer;
    if (!this.lastReadWasLent) this.slabPosition += bytesRead;
    if (this.listener === null) this.early.push(chunk);
    else this.listener(chunk);
    return true;
  }
}

/** The client's TCP connection: a socket with a coalescing writer behind the Connection interface. */
export class TcpConnection implements Connection {
  readonly transport = 'tcp' as const;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly writer: SocketWriter;
  private closedFlag = false;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(
    private readonly socket: Socket,
    private readonly reads: SocketReads,
    writeQueueBytesMax = SOCKET_WRITE_QUEUE_BYTES_MAX,
  ) {
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

  readInto(target: () => Buffer | null): void {
    this.reads.readInto(target);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.reads.onData(listener);
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
    this.reads.stop();
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
    const reads = new SocketReads();
    const socket = connect({
      host: parsed.host, port: parsed.port, noDelay: true,
      onread: { buffer: () => reads.nextBuffer(), callback: (bytesRead, buffer) => reads.delivered(bytesRead, buffer) },
    });
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
      resolve(new TcpConnection(socket, reads));
    });
  });
}
