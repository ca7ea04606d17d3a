import { assert } from '../common/assert.js';
import { WS_COALESCE_BYTES_MAX } from '../common/limits.js';
import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { encodeCommand } from '../protocol/frame.js';
import { type Channel, nextChannelId } from './channel.js';
import { written } from './write-hooks.js';
import type { WsSendQueue } from './ws-send-queue.js';

/**
 * Groups what was queued in one tick into WebSocket binary messages, each one or more whole
 * frames back to back (DESIGN "Protocol"). One `sendFrames` call (or one `send`) is a unit that
 * is never split across messages. Units smaller than `coalesceBytesMax` are concatenated into
 * messages of at most that size; a unit of that size or more goes alone, so a large pull body
 * is not copied again and the frame sizes a handler produces are the message sizes on the wire.
 */
export function coalesceUnits(units: readonly (readonly Buffer[])[], coalesceBytesMax: number): Buffer[] {
  assert(coalesceBytesMax > 0, 'coalesceBytesMax must be > 0');
  const messages: Buffer[] = [];
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flushBatch = (): void => {
    if (batch.length === 0) return;
    messages.push(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batchBytes));
    batch = [];
    batchBytes = 0;
  };
  for (const unit of units) {
    const unitBytes = unit.reduce((sum, part) => sum + part.length, 0);
    if (unitBytes === 0) continue;
    if (unitBytes >= coalesceBytesMax) {
      flushBatch();
      messages.push(unit.length === 1 ? (unit[0] as Buffer) : Buffer.concat(unit, unitBytes));
      continue;
    }
    if (batchBytes + unitBytes > coalesceBytesMax) flushBatch();
    for (const part of unit) batch.push(part);
    batchBytes += unitBytes;
  }
  flushBatch();
  return messages;
}

/**
 * A WebSocket connection as handlers see it (transport 'ws'), used by both server
 * implementations. Frames queued in one tick become as few binary messages as
 * `coalesceUnits` allows, handed to the connection's `WsSendQueue` (backpressure, bound).
 * `closeSocket` is the implementation's way to end the connection (`force`: without the close
 * handshake); the implementation calls
 * `markClosed` when the socket is gone (either side), which runs the close listeners once.
 */
export class WsChannel implements Channel {
  readonly id = nextChannelId();
  readonly transport = 'ws' as const;
  private pendingUnits: Buffer[][] = [];
  private flushScheduled = false;
  private closedFlag = false;
  private closeReasonText = '';
  private readonly listeners: Array<(channel: Channel) => void> = [];

  constructor(
    readonly remoteAddress: string,
    readonly localAddress: string,
    private readonly queue: WsSendQueue,
    private readonly closeSocket: (reason: string, force: boolean) => void,
    private readonly logger: Logger,
    private readonly coalesceBytesMax: number = WS_COALESCE_BYTES_MAX,
  ) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Why the channel closed ('' while open). */
  get closeReason(): string {
    return this.closeReasonText;
  }

  /** Bytes waiting in this channel (this tick's frames plus the send queue). */
  get queuedBytes(): number {
    let bytes = this.queue.queuedBytes;
    for (const unit of this.pendingUnits) for (const part of unit) bytes += part.length;
    return bytes;
  }

  send(command: RemotingCommand): void {
    this.sendFrames([encodeCommand(command)]);
    written(command.body);
  }

  sendFrames(frames: readonly Buffer[]): void {
    if (this.closedFlag || frames.length === 0) return;
    this.pendingUnits.push([...frames]);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }

  /** Closes gracefully (a WebSocket close frame with a short reason); `reason` is logged. */
  close(reason: string): void {
    this.closeWith(reason, false);
  }

  /** Drops the connection at once (no close handshake): for a peer that does not read. */
  abort(reason: string): void {
    this.closeWith(reason, true);
  }

  onClose(listener: (channel: Channel) => void): void {
    if (this.closedFlag) {
      listener(this);
      return;
    }
    this.listeners.push(listener);
  }

  /** Called by the server implementation when the socket is gone; idempotent. */
  markClosed(reason: string): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.closeReasonText = reason;
    this.pendingUnits = [];
    this.queue.close();
    for (const listener of this.listeners.splice(0)) listener(this);
  }

  private closeWith(reason: string, force: boolean): void {
    if (this.closedFlag) return;
    this.logger.info({ channel: this.id, remote: this.remoteAddress, reason }, 'closing ws channel');
    this.markClosed(reason);
    this.closeSocket(reason, force);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closedFlag) return;
    const units = this.pendingUnits;
    this.pendingUnits = [];
    this.queue.enqueue(coalesceUnits(units, this.coalesceBytesMax));
  }
}
