import { AssertionError } from '../../common/assert.js';
import type { RemotingCommand } from '../../protocol/command.js';
import type { Channel } from '../../remoting/channel.js';

/**
 * The main thread's stand-in for a connection an I/O thread owns (src/broker/README.md,
 * contract point 1). `send` and `close` post to the owning thread; `onClose` listeners run when
 * that thread reports the connection closed (or the thread stops). Ids are unique across
 * threads: the owning thread's index in the high bits, its own channel id in the low 32.
 */
export interface ProxyChannelInfo {
  readonly channelId: number;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly transport: 'tcp' | 'ws';
}

export interface ProxyChannelOwner {
  send(channelId: number, command: RemotingCommand): void;
  close(channelId: number, reason: string): void;
}

const THREAD_ID_FACTOR = 2 ** 32;

export function proxyChannelId(threadIndex: number, channelId: number): number {
  return (threadIndex + 1) * THREAD_ID_FACTOR + channelId;
}

export class ProxyChannel implements Channel {
  readonly id: number;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly transport: 'tcp' | 'ws';
  private isClosed = false;
  private readonly listeners: Array<(channel: Channel) => void> = [];

  constructor(threadIndex: number, private readonly info: ProxyChannelInfo, private readonly owner: ProxyChannelOwner) {
    this.id = proxyChannelId(threadIndex, info.channelId);
    this.remoteAddress = info.remoteAddress;
    this.localAddress = info.localAddress;
    this.transport = info.transport;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(command: RemotingCommand): void {
    if (!this.isClosed) this.owner.send(this.info.channelId, command);
  }

  /** Frames are encoded where the socket is; the control plane only sends commands. */
  sendFrames(): void {
    throw new AssertionError('ProxyChannel.sendFrames: control-plane code sends commands, not frames');
  }

  close(reason: string): void {
    if (!this.isClosed) this.owner.close(this.info.channelId, reason);
  }

  onClose(listener: (channel: Channel) => void): void {
    if (this.isClosed) listener(this);
    else this.listeners.push(listener);
  }

  /** The owning thread reported the connection closed. */
  markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const listener of this.listeners.splice(0)) listener(this);
  }
}
