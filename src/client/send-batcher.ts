import { assert } from '../common/assert.js';
import type { Connection } from '../remoting/connection.js';
import { encodeSendFrame, type SendRequestCommand, sendFrameBytesMax, writeSendFrame } from './send-frame.js';

/**
 * Per-connection batching of SEND frames: every SEND issued in one tick (the sends a burst of
 * answers triggers run in one microtask cascade) is written, header and body, back to back into
 * one chunk, and the filled part goes to the connection once, at `process.nextTick`, as a single
 * buffer. Compared with one header buffer per send, a [header, body] array and the socket
 * writer's concatenation, this is no allocation per send and one copy of each body.
 *
 * The chunk is never rewritten: handed-out parts stay valid while the connection holds them,
 * and a full chunk is replaced by a new one. Frames larger than a quarter of a chunk go out as
 * [header, body] without copying the body (after whatever is batched, keeping the order).
 * Anything else written to the connection must call `flush()` first so frames keep their order.
 */
export const SEND_BATCH_CHUNK_BYTES = 256 * 1024;
const DIRECT_FRAME_BYTES = SEND_BATCH_CHUNK_BYTES / 4;

export class SendBatcher {
  /** Allocated on the first write: an idle connection holds no chunk. */
  private chunk = Buffer.alloc(0);
  /** First byte not yet handed to the connection. */
  private start = 0;
  /** First free byte. */
  private end = 0;
  private scheduled = false;
  private readonly flushTask = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly connection: Connection) {}

  /** Bytes batched and not yet handed to the connection. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  write(command: SendRequestCommand): void {
    const frameBytesMax = sendFrameBytesMax(command);
    if (frameBytesMax > DIRECT_FRAME_BYTES) {
      this.flush();
      this.connection.writeFrames(encodeSendFrame(command));
      return;
    }
    if (this.end + frameBytesMax > this.chunk.length) {
      this.flush();
      this.chunk = Buffer.allocUnsafeSlow(SEND_BATCH_CHUNK_BYTES);
      this.start = 0;
      this.end = 0;
    }
    const next = writeSendFrame(command, this.chunk, this.end);
    assert(next <= this.end + frameBytesMax, 'send frame larger than its bound');
    this.end = next;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushTask);
    }
  }

  /** Hands what is batched to the connection. */
  flush(): void {
    if (this.end === this.start) return;
    const batch = this.chunk.subarray(this.start, this.end);
    this.start = this.end;
    this.connection.writeFrames([batch]);
  }
}
