import { assert } from '../common/assert.js';
import type { Connection } from '../remoting/connection.js';
import { onceWritten } from '../remoting/write-hooks.js';
import { encodeSendFrame, type SendRequestCommand, sendFrameBytesMax, writeSendFrame } from './send-frame.js';

/**
 * Per-connection batching of SEND frames: every SEND issued in one tick (the sends a burst of
 * answers triggers run in one microtask cascade) is written, header and body, back to back into
 * one chunk, and the filled part goes to the connection once, at `process.nextTick`, as a single
 * buffer. Compared with one header buffer per send, a [header, body] array and the socket
 * writer's concatenation, this is no allocation per send and one copy of each body.
 *
 * The chunk is never rewritten while the connection holds any part of it: a full chunk is
 * replaced, and it is reused (up to `SPARE_CHUNKS_MAX` kept) only once the transport has
 * reported every part handed out from it written (remoting/write-hooks.ts: in the kernel, copied
 * or dropped); a transport that never reports leaves its chunks to the GC. At a steady rate no
 * chunk is allocated (each is an ArrayBuffer V8 counts as external memory, which triggers GCs). Frames larger than a quarter of a chunk go out as
 * [header, body] without copying the body (after whatever is batched, keeping the order).
 * Anything else written to the connection must call `flush()` first so frames keep their order.
 */
export const SEND_BATCH_CHUNK_BYTES = 256 * 1024;
const DIRECT_FRAME_BYTES = SEND_BATCH_CHUNK_BYTES / 4;
/** Full chunks kept for reuse per connection. */
const SPARE_CHUNKS_MAX = 4;

/** A chunk and the parts of it the connection still holds. */
interface ChunkState {
  readonly buffer: Buffer;
  partsHeld: number;
  full: boolean;
}

const NO_CHUNK: ChunkState = { buffer: Buffer.alloc(0), partsHeld: 0, full: true };

export class SendBatcher {
  /** Allocated on the first write: an idle connection holds no chunk. */
  private current: ChunkState = NO_CHUNK;
  private readonly spare: Buffer[] = [];
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
    if (this.end + frameBytesMax > this.current.buffer.length) {
      this.flush();
      const filled = this.current;
      this.current = { buffer: this.spare.pop() ?? Buffer.allocUnsafeSlow(SEND_BATCH_CHUNK_BYTES), partsHeld: 0, full: false };
      this.retire(filled);
      this.start = 0;
      this.end = 0;
    }
    const next = writeSendFrame(command, this.current.buffer, this.end);
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
    const state = this.current;
    const batch = state.buffer.subarray(this.start, this.end);
    this.start = this.end;
    state.partsHeld++;
    onceWritten(batch, () => {
      state.partsHeld--;
      this.recycle(state);
    });
    this.connection.writeFrames([batch]);
  }

  /** Chunks waiting for reuse (tests). */
  get spareCount(): number {
    return this.spare.length;
  }

  private retire(state: ChunkState): void {
    if (state === NO_CHUNK) return;
    state.full = true;
    this.recycle(state);
  }

  private recycle(state: ChunkState): void {
    if (!state.full || state.partsHeld > 0 || this.spare.length >= SPARE_CHUNKS_MAX) return;
    assert(state !== this.current, 'the chunk being filled cannot be recycled');
    this.spare.push(state.buffer);
  }
}
