import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError, isPetrelError } from '../common/errors.js';
import { FRAME_BYTES_MAX, IN_FLIGHT_REQUESTS_MAX, SOCKET_WRITE_QUEUE_BYTES_MAX } from '../common/limits.js';
import { type Logger, silentLogger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { encodeCommandParts, FrameDecoder } from '../protocol/frame.js';
import { type Channel, type RequestHandler, nextChannelId } from './channel.js';
import {
  type Connection, type ConnectionFactory, type TransportKind, connectionFactoryFor, registerConnectionFactory,
} from './connection.js';
import { type ChannelState, Dispatcher } from './dispatcher.js';
import { PendingTable } from './pending.js';
import { connectTcp } from './tcp-connection.js';

registerConnectionFactory('tcp', connectTcp);

/**
 * Remoting client: one lazily opened connection per address ("host:port"), many requests in
 * flight on it matched by opaque (answered in any order), per-request timeouts from the shared
 * timeout wheel, a bound on requests in flight per connection, coalesced writes, and a handler
 * for requests the server sends (CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED, ...).
 * The connection layer is pluggable (`transport` / `connectionFactory`): TCP or WebSocket.
 *
 * Errors (PetrelError codes): ERR_REMOTING_CONNECT, ERR_REMOTING_TIMEOUT, ERR_REMOTING_CLOSED
 * (the connection dropped with the request pending, or the client is closed),
 * ERR_REMOTING_TOO_MANY_IN_FLIGHT (nothing was sent).
 */
export interface RemotingClientOptions {
  logger?: Logger;
  /** Serves requests the server sends; null answers REQUEST_CODE_NOT_SUPPORTED. */
  handler?: RequestHandler | null;
  transport?: TransportKind;
  /** Overrides the factory registered for `transport`. */
  connectionFactory?: ConnectionFactory;
  /** Default 3000 ms; the request's own timeout caps it. */
  connectTimeoutMs?: number;
  inFlightMax?: number;
  writeQueueBytesMax?: number;
  frameBytesMax?: number;
  /** Told when a connection closes (for route/broker bookkeeping). */
  onConnectionClosed?: (address: string, reason: string) => void;
}

export const CONNECT_TIMEOUT_MS_DEFAULT = 3000;

interface ClientLink extends ChannelState {
  readonly address: string;
  readonly connection: Connection;
}

export class RemotingClient {
  private readonly links = new Map<string, ClientLink>();
  private readonly connecting = new Map<string, Promise<ClientLink>>();
  private readonly dispatcher: Dispatcher;
  private readonly logger: Logger;
  private readonly factory: ConnectionFactory;
  private closedFlag = false;

  constructor(private readonly options: RemotingClientOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    const transport = options.transport ?? 'tcp';
    const factory = options.connectionFactory ?? connectionFactoryFor(transport);
    assert(factory !== undefined, `no connection factory registered for transport ${transport}`);
    this.factory = factory;
    this.dispatcher = new Dispatcher({ handler: options.handler ?? null, logger: this.logger });
  }

  /** Sends `command` to `address` and resolves with the response (any response code). */
  invoke(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const link = this.links.get(address);
    if (link !== undefined) return this.invokeOn(link, command, timeoutMs);
    return this.invokeAfterConnect(address, command, timeoutMs);
  }

  /** Sends a oneway request; resolves once it is queued for writing. */
  async invokeOneway(address: string, command: RemotingCommand): Promise<void> {
    const link = this.links.get(address) ?? await this.link(address);
    this.refuseIfCongested(link);
    this.dispatcher.invokeOneway(link, command);
  }

  /** Addresses with an open connection. */
  get connectedAddresses(): string[] {
    return [...this.links.keys()];
  }

  /** Closes the connection to one address (pending requests fail with ERR_REMOTING_CLOSED). */
  closeConnection(address: string, reason = 'closed by client'): void {
    this.links.get(address)?.connection.close(reason);
  }

  /** Closes every connection; later invokes fail with ERR_REMOTING_CLOSED. */
  close(): void {
    this.closedFlag = true;
    for (const link of [...this.links.values()]) link.connection.close('client closed');
  }

  private invokeOn(link: ClientLink, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    try {
      this.refuseIfCongested(link);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.dispatcher.invoke(link, command, timeoutMs);
  }

  private async invokeAfterConnect(
    address: string, command: RemotingCommand, timeoutMs: number,
  ): Promise<RemotingCommand> {
    const startMs = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PetrelError(ErrorCode.ERR_REMOTING_TIMEOUT,
        `request code ${command.code} to ${address}: connecting took the whole ${timeoutMs} ms`,
        { retriable: true })), timeoutMs);
    });
    // The connection attempt is shared by every request waiting for it, so it runs on its own
    // connect timeout; each waiting request gives up at its own deadline.
    const link = await Promise.race([this.link(address), expired]).finally(() => clearTimeout(timer));
    const remainingMs = Math.max(1, timeoutMs - (Date.now() - startMs));
    return this.invokeOn(link, command, remainingMs);
  }

  private refuseIfCongested(link: ClientLink): void {
    const queuedBytes = link.connection.writeQueueBytes;
    const queuedBytesMax = this.options.writeQueueBytesMax ?? SOCKET_WRITE_QUEUE_BYTES_MAX;
    if (queuedBytes >= queuedBytesMax) {
      throw new PetrelError(ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT,
        `${queuedBytes} bytes queued for ${link.address} (max ${queuedBytesMax})`, { retriable: true });
    }
  }

  private link(address: string): Promise<ClientLink> {
    if (this.closedFlag) {
      return Promise.reject(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'remoting client is closed'));
    }
    const open = this.links.get(address);
    if (open !== undefined) return Promise.resolve(open);
    let connecting = this.connecting.get(address);
    if (connecting === undefined) {
      const connectTimeoutMs = this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS_DEFAULT;
      connecting = this.factory(address, { connectTimeoutMs })
        .then((connection) => this.adopt(address, connection))
        .finally(() => this.connecting.delete(address));
      this.connecting.set(address, connecting);
    }
    return connecting;
  }

  private adopt(address: string, connection: Connection): ClientLink {
    if (this.closedFlag) {
      connection.close('client closed');
      throw new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'remoting client is closed');
    }
    const link: ClientLink = {
      address, connection, inFlightRequests: 0,
      channel: new ConnectionChannel(connection),
      pending: new PendingTable(address, this.options.inFlightMax ?? IN_FLIGHT_REQUESTS_MAX),
    };
    const decoder = new FrameDecoder(
      (content) => this.dispatcher.dispatchFrame(content, link),
      this.options.frameBytesMax ?? FRAME_BYTES_MAX,
    );
    connection.readInto?.(() => decoder.readTarget());
    connection.onData((chunk) => this.read(link, decoder, chunk));
    connection.onClose((reason) => this.dropped(link, reason));
    this.links.set(address, link);
    this.logger.debug({ address, local: connection.localAddress }, 'connected');
    return link;
  }

  private read(link: ClientLink, decoder: FrameDecoder, chunk: Buffer): void {
    if (link.connection.closed) return;
    try {
      decoder.push(chunk);
    } catch (error) {
      if (!isPetrelError(error)) throw error;
      this.logger.warn({ address: link.address, code: error.code }, `closing connection: ${error.message}`);
      link.connection.close(`malformed frame: ${error.message}`);
    }
  }

  private dropped(link: ClientLink, reason: string): void {
    if (this.links.get(link.address) === link) this.links.delete(link.address);
    this.logger.info({ address: link.address, reason, pending: link.pending.size }, 'connection closed');
    link.pending.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED,
      `connection to ${link.address} closed: ${reason}`, { retriable: true }));
    this.options.onConnectionClosed?.(link.address, reason);
  }
}

/** A client connection as handlers of server-initiated requests see it. */
export class ConnectionChannel implements Channel {
  readonly id = nextChannelId();
  private readonly listeners: Array<(channel: Channel) => void> = [];

  constructor(private readonly connection: Connection) {
    connection.onClose(() => {
      for (const listener of this.listeners.splice(0)) listener(this);
    });
  }

  get transport(): TransportKind {
    return this.connection.transport;
  }
  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }
  get localAddress(): string {
    return this.connection.localAddress;
  }
  get closed(): boolean {
    return this.connection.closed;
  }

  send(command: RemotingCommand): void {
    this.connection.writeFrames(encodeCommandParts(command));
  }

  sendFrames(frames: readonly Buffer[]): void {
    this.connection.writeFrames(frames);
  }

  close(reason: string): void {
    this.connection.close(reason);
  }

  onClose(listener: (channel: Channel) => void): void {
    if (this.connection.closed) listener(this);
    else this.listeners.push(listener);
  }
}
