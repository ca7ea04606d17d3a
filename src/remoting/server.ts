import { type Server, type Socket, createServer } from 'node:net';
import { assert } from '../common/assert.js';
import { type Clock, systemClock } from '../common/clock.js';
import { ErrorCode, PetrelError, isPetrelError } from '../common/errors.js';
import {
  FRAME_BYTES_MAX, SERVER_IN_FLIGHT_PER_CONNECTION_MAX, SOCKET_WRITE_QUEUE_BYTES_MAX,
} from '../common/limits.js';
import { type Logger, silentLogger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { FrameDecoder } from '../protocol/frame.js';
import type { Channel, RequestHandler } from './channel.js';
import { type ChannelState, Dispatcher } from './dispatcher.js';
import { PendingTable } from './pending.js';
import { TcpChannel } from './tcp-channel.js';

/**
 * TCP remoting server (node:net). Per connection: a FrameDecoder feeding the shared
 * Dispatcher, a coalescing writer, and flow control: reading stops while the peer has
 * `inFlightPerConnectionMax` requests unanswered or the socket is not draining, and resumes
 * when both clear. A frame that does not decode closes that connection only (logged to
 * remoting.log). Channels idle (no read or write) for `channelIdleMs` are closed.
 * `invoke`/`invokeOneway` send server-initiated requests (NOTIFY_CONSUMER_IDS_CHANGED, ...)
 * over a client's own connection.
 */
export interface RemotingServerOptions {
  handler: RequestHandler;
  /** 0 picks a free port. */
  port: number;
  /** Default all interfaces. */
  host?: string;
  logger?: Logger;
  /** serverChannelMaxIdleTimeSeconds × 1000; 0 disables idle detection. Default 120 s. */
  channelIdleMs?: number;
  inFlightPerConnectionMax?: number;
  writeQueueBytesMax?: number;
  frameBytesMax?: number;
  clock?: Clock;
  /** Told when any channel closes, after its pending requests failed (RocketMQ's ChannelEventListener). */
  onChannelClose?: (channel: Channel) => void;
  /** See DispatcherOptions.lazyExtCodes. */
  lazyExtCodes?: ReadonlySet<number>;
}

/** Default idle close, RocketMQ's serverChannelMaxIdleTimeSeconds = 120. */
export const CHANNEL_IDLE_MS_DEFAULT = 120_000;

interface ServerConnection extends ChannelState {
  readonly channel: TcpChannel;
  readonly socket: Socket;
  readingPaused: boolean;
}

export class RemotingServer {
  private readonly server: Server;
  private readonly dispatcher: Dispatcher;
  private readonly connections = new Map<number, ServerConnection>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly channelIdleMs: number;
  private readonly inFlightMax: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private listening = false;

  constructor(private readonly options: RemotingServerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.channelIdleMs = options.channelIdleMs ?? CHANNEL_IDLE_MS_DEFAULT;
    this.inFlightMax = options.inFlightPerConnectionMax ?? SERVER_IN_FLIGHT_PER_CONNECTION_MAX;
    assert(this.channelIdleMs >= 0, 'channelIdleMs must be >= 0');
    assert(this.inFlightMax > 0, 'inFlightPerConnectionMax must be > 0');
    this.dispatcher = new Dispatcher({
      handler: options.handler,
      logger: this.logger,
      onRequestSettled: (state) => {
        const connection = this.connections.get(state.channel.id);
        if (connection !== undefined) this.updateReading(connection);
      },
      ...(options.lazyExtCodes === undefined ? {} : { lazyExtCodes: options.lazyExtCodes }),
    });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (error) => this.logger.error({ err: error }, 'server socket error'));
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    assert(!this.listening, 'listen called twice');
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => reject(new PetrelError(ErrorCode.ERR_REMOTING_LISTEN,
        `cannot listen on ${this.options.host ?? '0.0.0.0'}:${this.options.port}: ${error.message}`, { cause: error }));
      this.server.once('error', failed);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', failed);
        this.listening = true;
        this.startIdleSweep();
        this.logger.info({ port: this.port }, 'remoting server listening');
        resolve(this.port);
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  }

  /** Open channels (a snapshot). */
  get channels(): Channel[] {
    return [...this.connections.values()].map((connection) => connection.channel);
  }

  /** Server-initiated request over `channel`; resolves with the client's response. */
  invoke(channel: Channel, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const connection = this.connections.get(channel.id);
    if (connection === undefined) {
      return Promise.reject(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED,
        `channel ${channel.remoteAddress} is closed`, { retriable: true }));
    }
    return this.dispatcher.invoke(connection, command, timeoutMs);
  }

  /** Server-initiated oneway request: no response is expected (ali-ons never answers anyway). */
  invokeOneway(channel: Channel, command: RemotingCommand): void {
    const connection = this.connections.get(channel.id);
    if (connection !== undefined) this.dispatcher.invokeOneway(connection, command);
  }

  /** Stops listening and closes every channel. */
  async close(): Promise<void> {
    if (this.idleTimer !== null) clearInterval(this.idleTimer);
    this.idleTimer = null;
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of [...this.connections.values()]) connection.channel.close('server closing');
    if (this.listening) await closing;
    this.listening = false;
  }

  private accept(socket: Socket): void {
    const channel = new TcpChannel(
      socket, this.logger, this.clock, this.options.writeQueueBytesMax ?? SOCKET_WRITE_QUEUE_BYTES_MAX,
      () => this.updateReading(connection),
    );
    const connection: ServerConnection = {
      channel, socket, readingPaused: false, inFlightRequests: 0,
      pending: new PendingTable(`client ${channel.remoteAddress}`),
    };
    this.connections.set(channel.id, connection);
    const decoder = new FrameDecoder(
      (content) => this.dispatcher.dispatchFrame(content, connection),
      this.options.frameBytesMax ?? FRAME_BYTES_MAX,
    );
    socket.on('data', (chunk: Buffer) => this.read(connection, decoder, chunk));
    channel.onClose(() => this.closed(connection));
    this.logger.debug({ channel: channel.id, remote: channel.remoteAddress }, 'channel accepted');
  }

  private read(connection: ServerConnection, decoder: FrameDecoder, chunk: Buffer): void {
    const channel = connection.channel;
    if (channel.closed) return;
    channel.lastActivityMs = this.clock.nowMs();
    try {
      decoder.push(chunk);
    } catch (error) {
      if (!isPetrelError(error)) throw error;
      this.logger.warn({ channel: channel.id, remote: channel.remoteAddress, code: error.code },
        `closing connection: ${error.message}`);
      channel.close(`malformed frame: ${error.message}`);
      return;
    }
    this.updateReading(connection);
  }

  private updateReading(connection: ServerConnection): void {
    if (connection.channel.closed) return;
    const pause = connection.inFlightRequests >= this.inFlightMax || connection.channel.writer.congested;
    if (pause === connection.readingPaused) return;
    connection.readingPaused = pause;
    if (pause) connection.socket.pause();
    else connection.socket.resume();
  }

  private closed(connection: ServerConnection): void {
    this.connections.delete(connection.channel.id);
    connection.pending.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED,
      `channel ${connection.channel.remoteAddress} closed: ${connection.channel.reason}`, { retriable: true }));
    this.options.onChannelClose?.(connection.channel);
  }

  private startIdleSweep(): void {
    if (this.channelIdleMs === 0) return;
    const periodMs = Math.max(10, Math.min(1000, Math.floor(this.channelIdleMs / 2)));
    this.idleTimer = setInterval(() => this.closeIdle(), periodMs);
    this.idleTimer.unref();
  }

  private closeIdle(): void {
    const nowMs = this.clock.nowMs();
    for (const connection of [...this.connections.values()]) {
      const idleMs = nowMs - connection.channel.lastActivityMs;
      if (idleMs >= this.channelIdleMs) {
        this.logger.info({ channel: connection.channel.id, remote: connection.channel.remoteAddress, idleMs },
          'closing idle channel');
        connection.channel.close(`idle for ${idleMs} ms`);
      }
    }
  }
}
