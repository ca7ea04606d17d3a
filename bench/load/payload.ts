/**
 * Payloads and their birth stamps. Every payload of 12 bytes or more starts with a 4-byte magic
 * and the intended send time as a float64 of epoch microseconds, so any consumer (in this
 * process or another one on the same machine) can measure end-to-end latency in µs without
 * relying on the system's millisecond born timestamp.
 *
 *   | magic 'PBT1' u32 | intendedSendTimeUs f64 | filler (template bytes) |
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { assert } from '../../src/common/assert.js';
import type { Workload } from './types.js';

export const STAMP_MAGIC = 0x50425431; // 'PBT1'
export const STAMP_BYTES = 12;

/** `performance.timeOrigin` read once: it is fixed for the process, and its getter is not free. */
const TIME_ORIGIN_MS = performance.timeOrigin;

/** Epoch microseconds with sub-millisecond resolution, comparable across processes. */
export function nowUs(): number {
  return (TIME_ORIGIN_MS + performance.now()) * 1000;
}

/** Reads a birth stamp; undefined when the payload was not written by this harness. */
export function readStamp(payload: Uint8Array): number | undefined {
  if (payload.length < STAMP_BYTES) return undefined;
  const view = new DataView(payload.buffer, payload.byteOffset, STAMP_BYTES);
  if (view.getUint32(0) !== STAMP_MAGIC) return undefined;
  return view.getFloat64(4);
}

/**
 * Hands out payload buffers. Buffers are carved from a slab (one allocation per `slabCount`
 * messages) because drivers may keep a reference until their next write; a shared, restamped
 * buffer would corrupt the stamps of messages still queued. A sender gives a payload back with
 * `release` once its send succeeded (every driver is done with the bytes by then: the SDK copied
 * them or wrote them before the answer, ioredis and nats.js wrote the command before its reply),
 * and the next `next` reuses it: at a steady window no memory is allocated per message, so the
 * harness adds no external-memory pressure (each slab is an ArrayBuffer V8 counts toward its GC
 * triggers) to whatever driver it measures. A failed send's payload is never reused.
 */
export class PayloadFactory {
  private readonly templates: Buffer[];
  private templateIndex = 0;
  private slab: Buffer = Buffer.alloc(0);
  private slabPosition = 0;
  private readonly free: Buffer[] = [];
  readonly sizeBytes: number;

  constructor(templates: Buffer[], private readonly slabCount = 1024) {
    assert(templates.length > 0, 'at least one payload template');
    const sizeBytes = templates[0]!.length;
    for (const template of templates) assert(template.length === sizeBytes, 'templates share one size');
    this.templates = templates;
    this.sizeBytes = sizeBytes;
  }

  /** A payload stamped with `intendedSendTimeUs`: a released one, else fresh from the slab. */
  next(intendedSendTimeUs: number): Buffer {
    const reused = this.free.pop();
    if (reused !== undefined && this.templates.length === 1) {
      // One template: a released payload still holds it and its magic (no driver writes into a
      // payload), so only the stamp changes.
      if (this.sizeBytes >= STAMP_BYTES) reused.writeDoubleBE(intendedSendTimeUs, 4);
      return reused;
    }
    const payload = reused ?? this.carve();
    const template = this.templates[this.templateIndex]!;
    this.templateIndex = (this.templateIndex + 1) % this.templates.length;
    payload.set(template);
    if (this.sizeBytes >= STAMP_BYTES) {
      payload.writeUInt32BE(STAMP_MAGIC, 0);
      payload.writeDoubleBE(intendedSendTimeUs, 4);
    }
    return payload;
  }

  /** `payload` (from `next`) may be reused: its send succeeded and no driver holds it. */
  release(payload: Buffer): void {
    assert(payload.length === this.sizeBytes, 'released payload of another factory');
    this.free.push(payload);
  }

  /** Payloads waiting for reuse. */
  get freeCount(): number {
    return this.free.length;
  }

  private carve(): Buffer {
    if (this.slabPosition + this.sizeBytes > this.slab.length) {
      this.slab = Buffer.allocUnsafe(this.sizeBytes * this.slabCount);
      this.slabPosition = 0;
    }
    const payload = this.slab.subarray(this.slabPosition, this.slabPosition + this.sizeBytes);
    this.slabPosition += this.sizeBytes;
    return payload;
  }
}

/** Alphanumeric filler, like RocketMQ's benchmark producer body. */
function alphanumeric(sizeBytes: number): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const random = randomFillSync(Buffer.alloc(sizeBytes));
  for (let i = 0; i < sizeBytes; i++) random[i] = alphabet.charCodeAt(random[i]! % alphabet.length);
  return random;
}

/** Templates for a workload: its payloadFile, randomized variants, or one alphanumeric body. */
export function payloadFactoryFor(workload: Workload): PayloadFactory {
  const base = workload.payloadFile === undefined
    ? alphanumeric(workload.messageSize)
    : fitTo(readFileSync(workload.payloadFile), workload.messageSize);
  if (!workload.useRandomizedPayloads || workload.randomizedPayloadPoolSize < 1) {
    return new PayloadFactory([base]);
  }
  const randomBytes = Math.floor(workload.messageSize * workload.randomBytesRatio);
  const templates: Buffer[] = [];
  for (let i = 0; i < workload.randomizedPayloadPoolSize; i++) {
    const template = Buffer.from(base);
    randomFillSync(template, workload.messageSize - randomBytes, randomBytes);
    templates.push(template);
  }
  return new PayloadFactory(templates);
}

function fitTo(file: Buffer, sizeBytes: number): Buffer {
  const fitted = Buffer.alloc(sizeBytes);
  for (let position = 0; position < sizeBytes; position += Math.max(1, file.length)) {
    if (file.length === 0) break;
    file.copy(fitted, position, 0, Math.min(file.length, sizeBytes - position));
  }
  return fitted;
}
