import { ErrorCode, PetrelError, isPetrelError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import { type RemotingCommand, createResponse, isResponse } from '../protocol/command.js';
import { FrameDecoder, decodeFrame } from '../protocol/frame.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Channel, RequestHandler } from './channel.js';
import { type ChannelState, Dispatcher } from './dispatcher.js';
import { PendingTable } from './pending.js';
import { WsChannel } from './ws-channel.js';
import { type WsMessageSink, WsSendQueue } from './ws-send-queue.js';

/**
 * What both WebSocket server implementations (uWS, node:http + ws) share: one session per
 * connection (FrameDecoder → the remoting Dispatcher → a coalescing WsChannel over a bounded
 * WsSendQueue), the table of open sessions, and server-initiated requests. The implementations
 * only adapt their socket API to `WsMessageSink` and call `open` / `message` / `drain` /
 * `closed`; everything a handler can observe is decided here, so both behave the same.
 */
export interface WsSessionLimits {
  frameBytesMax: number;
  sendQueueBytesMax: number;
  inFlightPerConnectionMax: number;
  coalesceBytesMax: number;
}

/** The socket side of one connection, as an implementation provides it. */
export interface WsSocketAdapter extends WsMessageSink {
  remoteAddress: string;
  localAddress: string;
  /** Ends the connection: a close frame (code 1008, `reason`) unless `force`. Idempotent. */
  end(reason: string, force: boolean): void;
}

export class WsSession implements ChannelState {
  readonly channel: WsChannel;
  readonly pending: PendingTable;
  inFlightRequests = 0;
  readonly queue: WsSendQueue;
  private readonly decoder: FrameDecoder;

  constructor(
    private readonly core: WsServerCore,
    socket: WsSocketAdapter,
  ) {
    const limits = core.limits;
    this.queue = new WsSendQueue(socket, {
      queueBytesMax: limits.sendQueueBytesMax,
      onOverflow: (reason) => this.channel.abort(reason),
    });
    this.channel = new WsChannel(
      socket.remoteAddress, socket.localAddress, this.queue,
      (reason, force) => socket.end(reason, force), core.logger, limits.coalesceBytesMax,
    );
    this.pending = new PendingTable(`ws client ${socket.remoteAddress}`);
    this.decoder = new FrameDecoder((content) => this.frame(content), limits.frameBytesMax);
  }

  /** One WebSocket message: frames back to back; a frame may continue in the next message. */
  message(data: Buffer, isBinary: boolean): void {
    if (this.channel.closed) return;
    if (!isBinary) {
      this.core.logger.warn({ channel: this.channel.id, remote: this.channel.remoteAddress },
        'closing ws connection: text message');
      this.channel.close('text message on a binary protocol');
      return;
    }
    try {
      this.decoder.push(data);
    } catch (error) {
      if (!isPetrelError(error)) throw error;
      this.core.logger.warn({ channel: this.channel.id, remote: this.channel.remoteAddress, code: error.code },
        `closing ws connection: ${error.message}`);
      this.channel.close(`malformed frame: ${error.message}`);
    }
  }

  private frame(content: Buffer): void {
    if (this.channel.closed) return;
    // uWS cannot stop reading a WebSocket, so the in-flight bound answers SYSTEM_BUSY (which
    // clients retry) instead of pausing the socket as TCP does; responses always go through.
    if (this.inFlightRequests >= this.core.limits.inFlightPerConnectionMax) {
      const command = decodeFrame(content);
      if (!isResponse(command)) {
        this.channel.send(createResponse(command, ResponseCode.SYSTEM_BUSY,
          `[WS]too many requests in flight on this connection (max ${this.core.limits.inFlightPerConnectionMax})`));
        return;
      }
    }
    this.core.dispatcher.dispatchFrame(content, this);
  }
}

export class WsServerCore {
  readonly dispatcher: Dispatcher;
  private readonly sessions = new Map<number, WsSession>();

  constructor(
    handler: RequestHandler,
    readonly logger: Logger,
    readonly limits: WsSessionLimits,
    lazyExtCodes?: ReadonlySet<number>,
  ) {
    this.dispatcher = new Dispatcher({ handler, logger, ...(lazyExtCodes === undefined ? {} : { lazyExtCodes }) });
  }

  get channels(): Channel[] {
    return [...this.sessions.values()].map((session) => session.channel);
  }

  /** A connection opened: returns its session (the implementation keeps it with the socket). */
  open(socket: WsSocketAdapter): WsSession {
    const session = new WsSession(this, socket);
    this.sessions.set(session.channel.id, session);
    session.channel.onClose(() => this.forget(session));
    this.logger.debug({ channel: session.channel.id, remote: socket.remoteAddress }, 'ws channel opened');
    return session;
  }

  /** The socket is gone (either side); safe to call more than once. */
  closed(session: WsSession, reason: string): void {
    session.channel.markClosed(reason);
  }

  invoke(channel: Channel, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const session = this.sessions.get(channel.id);
    if (session === undefined || session.channel !== channel) {
      return Promise.reject(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED,
        `channel ${channel.remoteAddress} is closed`, { retriable: true }));
    }
    return this.dispatcher.invoke(session, command, timeoutMs);
  }

  invokeOneway(channel: Channel, command: RemotingCommand): void {
    const session = this.sessions.get(channel.id);
    if (session !== undefined && session.channel === channel) this.dispatcher.invokeOneway(session, command);
  }

  /** Closes every open channel (server shutdown). */
  closeAll(reason: string): void {
    for (const session of [...this.sessions.values()]) session.channel.close(reason);
  }

  private forget(session: WsSession): void {
    this.sessions.delete(session.channel.id);
    session.pending.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED,
      `ws channel ${session.channel.remoteAddress} closed: ${session.channel.closeReason}`, { retriable: true }));
  }
}
