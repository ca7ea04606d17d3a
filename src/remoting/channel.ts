import type { RemotingCommand } from '../protocol/command.js';

/**
 * One connection as handlers see it, whatever the transport (TCP or WebSocket). Handlers never
 * touch sockets; they return a reply or call `send` for server-initiated requests (e.g.
 * NOTIFY_CONSUMER_IDS_CHANGED). Writes are coalesced by the transport: many `send`s in one tick
 * become one socket write.
 */
export interface Channel {
  /** Process-unique id, stable for the connection's life. */
  readonly id: number;
  /** Peer address as `ip:port` (RocketMQ's channel remote address form). */
  readonly remoteAddress: string;
  /** Local address as `ip:port`. */
  readonly localAddress: string;
  readonly transport: 'tcp' | 'ws';
  readonly closed: boolean;
  /** Queues a command for writing; dropped silently if the channel is closed. */
  send(command: RemotingCommand): void;
  /** Queues already-encoded frames (length prefix included) for writing. */
  sendFrames(frames: readonly Buffer[]): void;
  /** Closes the connection; `reason` is logged. */
  close(reason: string): void;
  /** Registers a callback run once when the channel closes (either side). */
  onClose(listener: (channel: Channel) => void): void;
}

/**
 * What a server asks of the layer above: a reply (or null for none) for each request. A reply
 * to a oneway request is discarded by the transport. Throwing becomes SYSTEM_ERROR with the
 * error's message as remark (reference §1.7).
 */
export type RequestHandler = (
  command: RemotingCommand,
  channel: Channel,
) => RemotingCommand | null | Promise<RemotingCommand | null>;

let lastChannelId = 0;

/** Process-unique channel ids, shared by every transport so ids never collide across them. */
export function nextChannelId(): number {
  lastChannelId += 1;
  return lastChannelId;
}
