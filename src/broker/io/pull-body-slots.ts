import { assert } from '../../common/assert.js';
import { onceWritten } from '../../remoting/write-hooks.js';

/**
 * Pull bodies in shared memory (DESIGN "Dispatch pool"): an I/O thread owns one
 * SharedArrayBuffer cut into fixed slots; a pull handed to a dispatch worker names a free slot,
 * the worker assembles the body straight into it and answers with its length only, and the
 * I/O thread writes a Buffer view of the slot to the socket. No ArrayBuffer is allocated,
 * zero-filled or transferred per pull, so neither thread sees external memory grow (which, at
 * a few hundred MB/s of bodies, drove a mark-compact every ~70 ms on the I/O thread).
 *
 * A slot is free again when the transport reports its body written (src/remoting/write-hooks.ts:
 * in the kernel, copied into a frame or a coalesced run, or dropped with its connection), or,
 * for a body no transport ever saw (a oneway pull, a closed channel), when the view handed out
 * is garbage collected. Nothing may keep a derived view (subarray) of a slot's body past that;
 * the pull path makes none. When every slot is in use the pull falls back to a body of its own
 * (`acquire` gives -1).
 */
export class PullBodySlots {
  readonly memory: SharedArrayBuffer;
  private readonly free: number[] = [];
  private readonly collected = new FinalizationRegistry<SlotLease>((lease) => {
    this.endLease(lease);
  });
  /** Pulls that found no free slot (for tests and metrics). */
  exhaustedCount = 0;

  constructor(readonly slotCount: number, readonly slotBytes: number) {
    assert(slotCount > 0 && slotBytes > 0 && Number.isSafeInteger(slotCount * slotBytes), 'bad body slot geometry');
    this.memory = new SharedArrayBuffer(slotCount * slotBytes);
    for (let slot = slotCount - 1; slot >= 0; slot--) this.free.push(slot);
  }

  /** A free slot, now owned by the caller until `release` or `bodyOf`; -1 when none is free. */
  acquire(): number {
    const slot = this.free.pop();
    if (slot !== undefined) return slot;
    this.exhaustedCount++;
    return -1;
  }

  /** Gives back a slot whose pull left no body in it. */
  release(slot: number): void {
    this.checkSlot(slot);
    this.free.push(slot);
  }

  /**
   * The body a worker wrote at the start of `slot`; the slot is free again once a transport
   * reports this object written or it is collected, whichever comes first.
   */
  bodyOf(slot: number, sizeBytes: number): Buffer {
    this.checkSlot(slot);
    assert(sizeBytes >= 0 && sizeBytes <= this.slotBytes, 'body larger than its slot');
    const body = Buffer.from(this.memory, slot * this.slotBytes, sizeBytes);
    const lease: SlotLease = { slot, ended: false };
    this.collected.register(body, lease, lease);
    onceWritten(body, () => {
      this.collected.unregister(lease);
      this.endLease(lease);
    });
    return body;
  }

  /** Slots free right now. */
  get freeCount(): number {
    return this.free.length;
  }

  private endLease(lease: SlotLease): void {
    if (lease.ended) return;
    lease.ended = true;
    this.free.push(lease.slot);
  }

  private checkSlot(slot: number): void {
    assert(Number.isInteger(slot) && slot >= 0 && slot < this.slotCount, 'bad body slot');
  }
}

/** One handed-out body's hold on its slot (ends once: written or collected). */
interface SlotLease {
  readonly slot: number;
  ended: boolean;
}
