import type { Socket } from 'node:net';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { encodeCommandParts } from '../protocol/frame.js';
import { type Channel, nextChannelId } from './channel.js';
import { SocketWriter } from './socket-writer.js';

/**
 * A server-side TCP connection as handlers see it. Writes go through a coalescing
 * `SocketWriter`; a write queue over its bound closes the channel (the peer is not reading).
 * `lastActivityMs` (read or write) drives idle detection.
 */
export class TcpChannel implements Channel {
  readonly id = nextChannelId();
  readonly transport = 'tcp' as const;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly writer: SocketWriter;
  lastActivityMs: number;
  private closedFlag = false;
  private closeReason = '';
  private readonly listeners: Array<(channel: Channel) => void> = [];

  constructor(
    private readonly socket: Socket,
    private readonly logger: Logger,
    private readonly clock: Clock,
    writeQueueBytesMax: number,
    onCongestionChange: (congested: boolean) => void,
  ) {
    this.remoteAddress = socketAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = socketAddress(socket.localAddress, socket.localPort);
    this.writer = new SocketWriter(socket, onCongestionChange, writeQueueBytesMax);
    this.lastActivityMs = clock.nowMs();
    socket.on('close', () => this.closed || this.markClosed('peer closed the connection'));
    socket.on('error', (error) => this.closed || this.markClosed(`socket error: ${error.message}`));
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(command: RemotingCommand): void {
    this.sendFrames(encodeCommandParts(command));
  }

  sendFrames(frames: readonly Buffer[]): void {
    if (this.closedFlag) return;
    this.lastActivityMs = this.clock.nowMs();
    if (!this.writer.enqueue(frames)) {
      this.close(`write queue over ${this.writer.bytes} bytes: peer is not reading`);
    }
  }

  close(reason: string): void {
    if (this.closedFlag) return;
    this.socket.destroy();
    this.markClosed(reason);
  }

  onClose(listener: (channel: Channel) => void): void {
    if (this.closedFlag) listener(this);
    else this.listeners.push(listener);
  }

  /** Why the channel closed ('' while open). */
  get reason(): string {
    return this.closeReason;
  }

  private markClosed(reason: string): void {
    this.closedFlag = true;
    this.closeReason = reason;
    this.logger.info({ channel: this.id, remote: this.remoteAddress, reason }, 'channel closed');
    const listeners = this.listeners.splice(0);
    for (const listener of listeners) listener(this);
  }
}

/** `ip:port`, RocketMQ's form of a channel address (IPv4-mapped IPv6 shown as IPv4). */
export function socketAddress(address: string | undefined, port: number | undefined): string {
  const ip = (address ?? '0.0.0.0').replace(/^::ffff:/, '');
  return `${ip}:${port ?? 0}`;
}
