import type { Socket } from 'node:net';
import { assert } from '../common/assert.js';
import { SOCKET_WRITE_QUEUE_BYTES_MAX } from '../common/limits.js';
import { hasWriteHook, written } from './write-hooks.js';

/**
 * Write coalescing for one socket. Frames queued during one turn of the event loop are written
 * together in the loop's check phase (setImmediate): runs of small buffers are concatenated into
 * one buffer, large ones (message bodies) are passed through without a copy, and when more than
 * one chunk results they are written under cork/uncork so Node issues a single writev. So N
 * small replies produced while handling one read become one `socket.write`. A buffer with a
 * write hook (write-hooks.ts) is reported written once copied, written or dropped.
 *
 * The queue is bounded: `enqueue` refuses (returns false) once the bytes not yet accepted by
 * the kernel would exceed `writeQueueBytesMax`, and the owner closes the connection. While the
 * socket reports back-pressure (`write` returned false, waiting for 'drain') `congested` is
 * true and `onCongestionChange` fires on both edges, so servers can stop reading requests.
 */

/** Buffers below this size are copied together; larger ones are written as they are. */
export const COALESCE_COPY_BYTES_MAX = 16 * 1024;

export class SocketWriter {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private congestedFlag = false;
  /** Number of `socket.write` calls made (for tests and metrics). */
  socketWriteCount = 0;

  constructor(
    private readonly socket: Socket,
    private readonly onCongestionChange: (congested: boolean) => void = () => {},
    private readonly writeQueueBytesMax: number = SOCKET_WRITE_QUEUE_BYTES_MAX,
  ) {
    assert(writeQueueBytesMax > 0, 'writeQueueBytesMax must be > 0');
  }

  /** Bytes queued here plus bytes the socket has buffered but not yet written. */
  get bytes(): number {
    return this.queuedBytes + this.socket.writableLength;
  }

  get congested(): boolean {
    return this.congestedFlag;
  }

  /** Queues frames for the next flush; false (nothing queued) when the bound would be exceeded. */
  enqueue(frames: readonly Buffer[]): boolean {
    let frameBytes = 0;
    for (const frame of frames) frameBytes += frame.length;
    if (this.bytes + frameBytes > this.writeQueueBytesMax) return false;
    for (const frame of frames) this.queue.push(frame);
    this.queuedBytes += frameBytes;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Writes everything queued; normally run by the scheduled setImmediate. */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const chunks = gather(this.queue);
    this.queue = [];
    this.queuedBytes = 0;
    if (this.socket.destroyed) {
      for (const chunk of chunks) written(chunk);
      return;
    }
    let accepted = true;
    if (chunks.length === 1) {
      accepted = this.write(chunks[0] as Buffer);
    } else {
      this.socket.cork();
      for (const chunk of chunks) accepted = this.write(chunk);
      this.socket.uncork();
    }
    if (!accepted && !this.congestedFlag) this.enterCongestion();
  }

  private write(chunk: Buffer): boolean {
    this.socketWriteCount += 1;
    if (hasWriteHook(chunk)) return this.socket.write(chunk, () => written(chunk));
    return this.socket.write(chunk);
  }

  private enterCongestion(): void {
    this.congestedFlag = true;
    this.onCongestionChange(true);
    this.socket.once('drain', () => {
      this.congestedFlag = false;
      this.onCongestionChange(false);
    });
  }
}

/** Concatenates runs of small buffers; keeps large buffers as they are. */
export function gather(buffers: readonly Buffer[]): Buffer[] {
  const chunks: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const endRun = (): void => {
    if (run.length === 1) chunks.push(run[0] as Buffer);
    else if (run.length > 1) {
      chunks.push(Buffer.concat(run, runBytes));
      for (const copied of run) written(copied);
    }
    run = [];
    runBytes = 0;
  };
  for (const buffer of buffers) {
    if (buffer.length >= COALESCE_COPY_BYTES_MAX) {
      endRun();
      chunks.push(buffer);
    } else {
      run.push(buffer);
      runBytes += buffer.length;
    }
  }
  endRun();
  return chunks;
}
