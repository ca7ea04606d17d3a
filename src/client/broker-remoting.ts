import { ErrorCode, PetrelError, isPetrelError } from '../common/errors.js';
import { FRAME_BYTES_MAX, IN_FLIGHT_REQUESTS_MAX, SOCKET_WRITE_QUEUE_BYTES_MAX } from '../common/limits.js';
import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { FrameDecoder } from '../protocol/frame.js';
import type { RequestHandler } from '../remoting/channel.js';
import { ConnectionChannel } from '../remoting/client.js';
import type { Connection, ConnectionFactory } from '../remoting/connection.js';
import { type ChannelState, Dispatcher } from '../remoting/dispatcher.js';
import { PendingTable } from '../remoting/pending.js';
import type { Remoting } from './client-api.js';
import { encodeSendFrame, SendRequestCommand } from './send-frame.js';

/**
 * The SDK's connections to brokers: the remoting layer's Dispatcher (opaque matching, shared
 * timeout wheel, server-initiated requests), PendingTable (bounded in flight), FrameDecoder and
 * pluggable connections (TCP or WebSocket), with one difference from RemotingClient: the
 * channel writes a SendRequestCommand with its pre-encoded per-queue header template
 * (`send-frame.ts`) instead of the generic header encoder, which is most of a send's cost.
 * One lazily opened connection per address; many requests in flight on it; writes coalesced by
 * the connection.
 */
export interface BrokerRemotingOptions {
  logger: Logger;
  handler: RequestHandler;
  factory: ConnectionFactory;
  connectTimeoutMs?: number;
  /** Maps a route address to the address to connect to (WebSocket port). */
  addressOf?: (address: string) => string;
}

class SendChannel extends ConnectionChannel {
  override send(command: RemotingCommand): void {
    if (command instanceof SendRequestCommand) this.sendFrames(encodeSendFrame(command));
    else super.send(command);
  }
}

interface Link extends ChannelState {
  readonly address: string;
  readonly connection: Connection;
}

export class BrokerRemoting implements Remoting {
  private readonly links = new Map<string, Link>();
  private readonly connecting = new Map<string, Promise<Link>>();
  private readonly dispatcher: Dispatcher;
  private closed = false;

  constructor(private readonly options: BrokerRemotingOptions) {
    this.dispatcher = new Dispatcher({ handler: options.handler, logger: options.logger });
  }

  invoke(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const link = this.links.get(address);
    if (link !== undefined && !this.congested(link)) return this.dispatcher.invoke(link, command, timeoutMs);
    return this.link(address).then((opened) => {
      if (this.congested(opened)) throw congestion(opened);
      return this.dispatcher.invoke(opened, command, timeoutMs);
    });
  }

  async invokeOneway(address: string, command: RemotingCommand): Promise<void> {
    const link = this.links.get(address) ?? await this.link(address);
    if (this.congested(link)) throw congestion(link);
    this.dispatcher.invokeOneway(link, command);
  }

  close(): void {
    this.closed = true;
    for (const link of [...this.links.values()]) link.connection.close('client closed');
  }

  private congested(link: Link): boolean {
    return link.connection.writeQueueBytes >= SOCKET_WRITE_QUEUE_BYTES_MAX;
  }

  private link(address: string): Promise<Link> {
    if (this.closed) return Promise.reject(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'client is closed'));
    const open = this.links.get(address);
    if (open !== undefined) return Promise.resolve(open);
    let pending = this.connecting.get(address);
    if (pending === undefined) {
      const target = this.options.addressOf?.(address) ?? address;
      pending = this.options.factory(target, { connectTimeoutMs: this.options.connectTimeoutMs ?? 3000 })
        .then((connection) => this.adopt(address, connection))
        .finally(() => this.connecting.delete(address));
      this.connecting.set(address, pending);
    }
    return pending;
  }

  private adopt(address: string, connection: Connection): Link {
    if (this.closed) {
      connection.close('client closed');
      throw new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'client is closed');
    }
    const link: Link = {
      address, connection, inFlightRequests: 0, channel: new SendChannel(connection),
      pending: new PendingTable(address, IN_FLIGHT_REQUESTS_MAX),
    };
    const decoder = new FrameDecoder((content) => this.dispatcher.dispatchFrame(content, link), FRAME_BYTES_MAX);
    connection.onData((chunk) => {
      if (connection.closed) return;
      try {
        decoder.push(chunk);
      } catch (error) {
        if (!isPetrelError(error)) throw error;
        this.options.logger.warn({ address, code: error.code }, `closing broker connection: ${error.message}`);
        connection.close(`malformed frame: ${error.message}`);
      }
    });
    connection.onClose((reason) => {
      if (this.links.get(address) === link) this.links.delete(address);
      this.options.logger.info({ address, reason, pending: link.pending.size }, 'broker connection closed');
      link.pending.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, `connection to ${address} closed: ${reason}`, {
        retriable: true,
      }));
    });
    this.links.set(address, link);
    return link;
  }
}

function congestion(link: Link): PetrelError {
  return new PetrelError(ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT,
    `${link.connection.writeQueueBytes} bytes queued for ${link.address}`, { retriable: true });
}
