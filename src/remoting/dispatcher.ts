import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError, isPetrelError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import {
  FLAG_ONEWAY, FLAG_RESPONSE, type RemotingCommand, createResponse, isOneway, isResponse,
} from '../protocol/command.js';
import { decodeFrame } from '../protocol/frame.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Channel, RequestHandler } from './channel.js';
import type { PendingTable } from './pending.js';

/**
 * Transport-independent per-frame logic, shared by the TCP and WebSocket servers and clients
 * so a command behaves identically over both. Given one frame's content (after the length
 * prefix) and the channel it came on, the dispatcher decodes it, routes a response to that
 * side's pending table, or runs the RequestHandler for a request: a throw becomes SYSTEM_ERROR
 * with the message as remark (reference §1.7), a oneway request (flag bit 1) is never answered,
 * and the reply always uses the request's opaque and serialize type. It counts, per channel,
 * the peer's requests whose handler has not settled, so transports can stop reading when too
 * many are pending.
 */

/** What the dispatcher knows of one connection; the transport creates one per connection. */
export interface ChannelState {
  readonly channel: Channel;
  /** Requests this side sent on the channel, awaiting responses. */
  readonly pending: PendingTable;
  /** Requests from the peer whose handler has not settled yet (maintained by the dispatcher). */
  inFlightRequests: number;
}

export interface DispatcherOptions {
  /** Serves the peer's requests. Null: answer REQUEST_CODE_NOT_SUPPORTED (clients with no callbacks). */
  handler: RequestHandler | null;
  /** remoting.log */
  logger: Logger;
  /** Run after one of the peer's requests settled, so the transport can resume reading. */
  onRequestSettled?: (state: ChannelState) => void;
  /**
   * Request codes whose binary ext map is left in the frame's bytes until read (a BinaryRequest,
   * protocol/binary-request.ts): the broker passes its SEND codes, whose handler reads the header
   * from the bytes.
   */
  lazyExtCodes?: ReadonlySet<number>;
}

const OPAQUE_MAX = 0x7fffffff;

export class Dispatcher {
  private lastOpaque = 0;

  constructor(private readonly options: DispatcherOptions) {}

  /**
   * Handles one frame's content. Throws PetrelError (ERR_FRAME_MALFORMED / ERR_HEADER_MALFORMED)
   * when it does not decode: the caller closes that connection, nothing else.
   */
  dispatchFrame(content: Buffer, state: ChannelState): void {
    const command = decode(content, this.options.lazyExtCodes);
    if (isResponse(command)) {
      if (!state.pending.complete(command)) {
        this.options.logger.debug(
          { opaque: command.opaque, code: command.code, remote: state.channel.remoteAddress },
          'response for unknown opaque dropped (late, after timeout?)',
        );
      }
      return;
    }
    this.dispatchRequest(command, state);
  }

  /**
   * Sends a request on the channel and resolves with its response. The opaque is assigned
   * here. Rejects with ERR_REMOTING_TIMEOUT, ERR_REMOTING_CLOSED (connection dropped) or
   * ERR_REMOTING_TOO_MANY_IN_FLIGHT (bound reached, nothing sent).
   */
  invoke(state: ChannelState, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    assert(!isResponse(command), 'invoke takes a request');
    if (state.channel.closed) return Promise.reject(closedError(state.channel));
    command.opaque = this.nextOpaque();
    command.flag &= ~FLAG_ONEWAY;
    const refused = state.pending.full;
    const response = state.pending.add(command.opaque, command.code, timeoutMs);
    if (!refused) state.channel.send(command);
    return response;
  }

  /** Sends a request flagged oneway (flag bit 1): the peer does not answer. */
  invokeOneway(state: ChannelState, command: RemotingCommand): void {
    assert(!isResponse(command), 'invokeOneway takes a request');
    command.opaque = this.nextOpaque();
    command.flag |= FLAG_ONEWAY;
    state.channel.send(command);
  }

  private dispatchRequest(request: RemotingCommand, state: ChannelState): void {
    const handler = this.options.handler;
    if (handler === null) {
      this.reply(request, createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
        ` request type ${request.code} not supported`), state);
      return;
    }
    state.inFlightRequests += 1;
    let result: ReturnType<RequestHandler>;
    try {
      result = handler(request, state.channel);
    } catch (error) {
      this.settle(request, this.failure(request, error, state), state);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (reply) => this.settle(request, reply, state),
        (error: unknown) => this.settle(request, this.failure(request, error, state), state),
      );
    } else {
      this.settle(request, result, state);
    }
  }

  private settle(request: RemotingCommand, reply: RemotingCommand | null, state: ChannelState): void {
    state.inFlightRequests -= 1;
    assert(state.inFlightRequests >= 0, 'in-flight request count went negative');
    this.reply(request, reply, state);
    this.options.onRequestSettled?.(state);
  }

  private reply(request: RemotingCommand, reply: RemotingCommand | null, state: ChannelState): void {
    if (reply === null || isOneway(request)) return;
    reply.opaque = request.opaque;
    reply.flag |= FLAG_RESPONSE;
    reply.serializeType = request.serializeType;
    state.channel.send(reply);
  }

  private failure(request: RemotingCommand, error: unknown, state: ChannelState): RemotingCommand {
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger.warn(
      { code: request.code, opaque: request.opaque, remote: state.channel.remoteAddress, err: error },
      'request handler failed',
    );
    return createResponse(request, ResponseCode.SYSTEM_ERROR, message);
  }

  private nextOpaque(): number {
    this.lastOpaque = this.lastOpaque >= OPAQUE_MAX ? 1 : this.lastOpaque + 1;
    return this.lastOpaque;
  }
}

/**
 * Any decode failure is the peer's fault, never a reason to crash: a codec error other than
 * PetrelError (a RangeError on a hostile length the codec missed) is reported the same way.
 */
function decode(content: Buffer, lazyExtCodes: ReadonlySet<number> | undefined): RemotingCommand {
  try {
    return decodeFrame(content, lazyExtCodes);
  } catch (error) {
    if (isPetrelError(error)) throw error;
    throw new PetrelError(ErrorCode.ERR_FRAME_MALFORMED, `frame does not decode: ${String(error)}`, {
      cause: error,
    });
  }
}

function closedError(channel: Channel): PetrelError {
  return new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, `channel to ${channel.remoteAddress} is closed`, {
    retriable: true,
  });
}
