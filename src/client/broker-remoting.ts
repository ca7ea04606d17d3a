import { ErrorCode, PetrelError, isPetrelError } from '../common/errors.js';
import { FRAME_BYTES_MAX, IN_FLIGHT_REQUESTS_MAX, SOCKET_WRITE_QUEUE_BYTES_MAX } from '../common/limits.js';
import type { Logger } from '../common/log.js';
import { FLAG_RESPONSE, type RemotingCommand, SerializeType } from '../protocol/command.js';
import { decodeFrame, FrameDecoder } from '../protocol/frame.js';
import { decodeSendResponse, type SendResponse } from './send-response.js';
import type { RequestHandler } from '../remoting/channel.js';
import { ConnectionChannel } from '../remoting/client.js';
import type { Connection, ConnectionFactory } from '../remoting/connection.js';
import { type ChannelState, Dispatcher } from '../remoting/dispatcher.js';
import { PendingTable } from '../remoting/pending.js';
import type { Remoting } from './client-api.js';
import { SendBatcher } from './send-batcher.js';
import { SendRequestCommand } from './send-frame.js';
import { SendTable, type SendWaiter } from './send-table.js';

/**
 * The SDK's connections to brokers: the remoting layer's Dispatcher (opaque matching, shared
 * timeout wheel, server-initiated requests), PendingTable (bounded in flight), FrameDecoder and
 * pluggable connections (TCP or WebSocket), with one difference from RemotingClient: the
 * channel writes a SendRequestCommand with its pre-encoded per-queue header template
 * (`send-frame.ts`) instead of the generic header encoder, which is most of a send's cost.
 * One lazily opened connection per address; many requests in flight on it; writes coalesced by
 * the connection.
 *
 * SEND requests (SendRequestCommand) bypass the Dispatcher's PendingTable: `invokeSend` gives
 * each a negative opaque and an entry in the link's SendTable (`send-table.ts`) whose waiter is
 * told of the answer directly; one sweep timer per BrokerRemoting (only while sends are in
 * flight) expires them. Incoming binary-header responses with a negative opaque go to that
 * table, every other frame to the Dispatcher. A broker answers in the request's serialize type
 * (reference §1.4), and SENDs always go out with the binary header.
 */
export interface BrokerRemotingOptions {
  logger: Logger;
  handler: RequestHandler;
  factory: ConnectionFactory;
  connectTimeoutMs?: number;
  /** Maps a route address to the address to connect to (WebSocket port). */
  addressOf?: (address: string) => string;
}

/** Writes SENDs through the batcher and everything else after what it holds (frame order kept). */
class SendChannel extends ConnectionChannel {
  constructor(connection: Connection, private readonly batcher: SendBatcher) {
    super(connection);
  }

  override send(command: RemotingCommand): void {
    if (command instanceof SendRequestCommand) {
      this.batcher.write(command);
      return;
    }
    this.batcher.flush();
    super.send(command);
  }
}

interface Link extends ChannelState {
  readonly address: string;
  readonly connection: Connection;
  readonly sends: SendTable<SendResponse>;
  readonly batcher: SendBatcher;
}

/** How often in-flight SENDs are checked for timeouts (their timeout precision). */
export const SEND_SWEEP_INTERVAL_MS = 10;
const OPAQUE_MAX = 0x7fffffff;
/** Binary header positions in a frame's content (after the length prefix). */
const OPAQUE_POSITION = 4 + 5;
const FLAG_POSITION = 4 + 9;
const FIXED_CONTENT_BYTES = 4 + 17;

function int32At(bytes: Buffer, position: number): number {
  return ((bytes[position] as number) << 24) | ((bytes[position + 1] as number) << 16)
    | ((bytes[position + 2] as number) << 8) | (bytes[position + 3] as number);
}

/** A SendWaiter settling a promise with the generic RemotingCommand (sends made through `invoke`). */
class PromiseWaiter implements SendWaiter<SendResponse> {
  constructor(
    private readonly resolve: (response: RemotingCommand) => void,
    readonly onError: (error: PetrelError) => void,
  ) {}

  onResponse(response: SendResponse): void {
    try {
      this.resolve(decodeFrame(response.frame as Buffer));
    } catch (error) {
      this.onError(asPetrelError(error));
    }
  }
}

export class BrokerRemoting implements Remoting {
  private readonly links = new Map<string, Link>();
  private readonly connecting = new Map<string, Promise<Link>>();
  private readonly dispatcher: Dispatcher;
  private closed = false;
  private lastSendOpaque = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BrokerRemotingOptions) {
    this.dispatcher = new Dispatcher({ handler: options.handler, logger: options.logger });
  }

  /**
   * Sends a SEND request; `waiter` is told of the answer (any response code) or of the failure
   * (ERR_REMOTING_TIMEOUT / _CLOSED / _TOO_MANY_IN_FLIGHT / _CONNECT), possibly before this
   * returns. The hot path: no promise, no closure.
   */
  invokeSend(address: string, command: SendRequestCommand, timeoutMs: number, waiter: SendWaiter<SendResponse>): void {
    const link = this.links.get(address);
    if (link !== undefined) {
      this.sendOn(link, command, timeoutMs, waiter);
      return;
    }
    this.link(address).then(
      (opened) => this.sendOn(opened, command, timeoutMs, waiter),
      (error: unknown) => waiter.onError(asPetrelError(error)),
    );
  }

  invoke(address: string, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (command instanceof SendRequestCommand) {
      return new Promise((resolve, reject) => this.invokeSend(address, command, timeoutMs, new PromiseWaiter(resolve, reject)));
    }
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
    this.stopSweep();
  }

  private sendOn(link: Link, command: SendRequestCommand, timeoutMs: number, waiter: SendWaiter<SendResponse>): void {
    if (link.connection.closed) {
      waiter.onError(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, `connection to ${link.address} is closed`, { retriable: true }));
      return;
    }
    if (this.congested(link)) {
      waiter.onError(congestion(link));
      return;
    }
    if (link.sends.full) {
      waiter.onError(new PetrelError(ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT,
        `${link.sends.size} sends in flight to ${link.address} (max ${IN_FLIGHT_REQUESTS_MAX})`, { retriable: true }));
      return;
    }
    this.lastSendOpaque = this.lastSendOpaque >= OPAQUE_MAX ? 1 : this.lastSendOpaque + 1;
    command.opaque = -this.lastSendOpaque;
    command.flag = 0;
    // The deadline counts from the command's birth (the attempt's start; the same instant unless
    // it waited for the connection): one clock read per send, in the caller.
    link.sends.add(command.opaque, command.code, timeoutMs, command.bornTimestamp, waiter);
    if (this.sweepTimer === null) this.startSweep();
    link.batcher.write(command);
  }

  /** Routes a response to a SEND to the link's SendTable; false for every other frame. */
  private completeSend(content: Buffer, link: Link): boolean {
    if (link.sends.size === 0 || content.length < FIXED_CONTENT_BYTES || content[0] !== SerializeType.ROCKETMQ) return false;
    if ((int32At(content, FLAG_POSITION) & FLAG_RESPONSE) === 0 || int32At(content, OPAQUE_POSITION) >= 0) return false;
    const opaque = int32At(content, OPAQUE_POSITION);
    // Throws ERR_FRAME_MALFORMED before the entry is taken: the connection closes and failAll
    // tells its waiter.
    const response = decodeSendResponse(content);
    if (!link.sends.complete(opaque, response)) {
      this.options.logger.debug({ opaque, address: link.address }, 'send response for unknown opaque dropped (late, after timeout?)');
    }
    return true;
  }

  private startSweep(): void {
    this.sweepTimer = setInterval(() => this.sweep(), SEND_SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  private stopSweep(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  private sweep(): void {
    const nowMs = Date.now();
    let inFlight = 0;
    for (const link of this.links.values()) {
      link.sends.expire(nowMs);
      inFlight += link.sends.size;
    }
    if (inFlight === 0) this.stopSweep();
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
    const batcher = new SendBatcher(connection);
    const link: Link = {
      address, connection, inFlightRequests: 0, channel: new SendChannel(connection, batcher), batcher,
      pending: new PendingTable(address, IN_FLIGHT_REQUESTS_MAX), sends: new SendTable<SendResponse>(address, IN_FLIGHT_REQUESTS_MAX),
    };
    const decoder = new FrameDecoder((content) => {
      if (!this.completeSend(content, link)) this.dispatcher.dispatchFrame(content, link);
    }, FRAME_BYTES_MAX);
    connection.readInto?.(() => decoder.readTarget());
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
      this.options.logger.info({ address, reason, pending: link.pending.size + link.sends.size }, 'broker connection closed');
      const error = new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, `connection to ${address} closed: ${reason}`, {
        retriable: true,
      });
      link.pending.failAll(error);
      link.sends.failAll(error);
    });
    this.links.set(address, link);
    return link;
  }
}

function asPetrelError(error: unknown): PetrelError {
  if (isPetrelError(error)) return error;
  return new PetrelError(ErrorCode.ERR_REMOTING_CONNECT, String(error), { retriable: true, cause: error });
}

function congestion(link: Link): PetrelError {
  return new PetrelError(ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT,
    `${link.connection.writeQueueBytes} bytes queued for ${link.address}`, { retriable: true });
}
