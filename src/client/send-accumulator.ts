import { assert } from '../common/assert.js';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { PROPERTIES_BYTES_MAX } from '../common/limits.js';
import { BATCH_ENTRY_FIXED_BYTES } from '../protocol/batch.js';
import { MessageConst, SystemName } from '../protocol/message-const.js';
import type { Message } from './message.js';
import type { PreparedMessage } from './send-encode.js';
import { propertiesChars, writeText } from './send-frame.js';
import { SendResult } from './send-result.js';
import type { SendSubject } from './send-call.js';
import { put32 } from '../protocol/bytes.js';

/**
 * Producer auto-batching (RocketMQ 5's `DefaultMQProducer.setAutoBatch` / ProduceAccumulator):
 * plain sends to one topic issued close together are coalesced into one SEND_BATCH_MESSAGE
 * whose body is the batch entries (reference §3.6) written as each send arrives; the broker
 * stores every entry as its own record, and each caller gets its own SendResult (its UNIQ_KEY as
 * msgId, its own offset msgId, queueOffset = the batch's first + its index).
 *
 * When a batch goes out:
 * - at once when the next entry would not fit `batchMaxBytes` (or the entry just written filled
 *   it so far that one more of the same size would not), or at BATCH_MEMBERS_MAX entries;
 * - else at a check run with `setImmediate` (after the current tick's I/O): a batch that did not
 *   grow since the previous check goes out, one that is still growing lingers to the next check,
 *   never longer than `batchMaxDelayMs` after its first entry. At a low rate a send therefore
 *   waits two event-loop turns (microseconds), not `batchMaxDelayMs`; only a steady stream
 *   lingers, and that is when batching pays.
 *
 * Memory: the entry bytes of open and in-flight batches are bounded by `totalBatchMaxBytes`; a
 * send over it fails at once with ERR_REMOTING_TOO_MANY_IN_FLIGHT (retriable), where RocketMQ
 * would send it unbatched. Batch buffers of a successful send are reused.
 *
 * Hot path: per send, the entry written once into the batch buffer (header ints, body copy,
 * properties straight from the message's map) and three array slots; no timer, promise or
 * closure of its own. Per batch: one SendCall (retries as for a single send), one SendResult per
 * member when it is answered.
 */
export const BATCH_MAX_DELAY_MS_DEFAULT = 10;
export const BATCH_MAX_BYTES_DEFAULT = 32 * 1024;
export const TOTAL_BATCH_MAX_BYTES_DEFAULT = 32 * 1024 * 1024;
/** RocketMQ's accepted ranges (batchMaxDelayMs 1 ms..30 s, batchMaxBytes 1 B..2 MiB). */
const BATCH_MAX_DELAY_MS_MAX = 30_000;
const BATCH_MAX_BYTES_MAX = 2 * 1024 * 1024;
/** The broker refuses batches of more records (src/broker/data-plane/bounds.ts BATCH_MESSAGES_MAX). */
export const BATCH_MEMBERS_MAX = 4096;
/**
 * Bytes of settled batch buffers kept for reuse. A max-rate producer keeps hundreds of batches
 * in flight (an 8,192-send window of 1 KiB is ~270 batches of 32 KiB); keeping fewer than that
 * allocated a fresh ArrayBuffer per batch, and V8 counts those as external memory that triggers
 * scavenges and mark-compacts.
 */
const FREE_BUFFER_BYTES_MAX = 16 * 1024 * 1024;
/**
 * Buffers are reused only when every frame built from them is copied into the connection's
 * SendBatcher chunk (frames under a quarter of 256 KiB); larger ones may still be referenced by
 * a queued socket write after a timeout, so they are left to the GC.
 */
const REUSABLE_BUFFER_BYTES_MAX = 60 * 1024;

const NAME_VALUE_SEPARATOR = 1;
const PROPERTY_SEPARATOR = 2;
const WAIT_TRUE = `${MessageConst.WAIT}\u0001true`;
const WAIT_FALSE = `${MessageConst.WAIT}\u0001false`;

export interface AccumulatorOptions {
  readonly batchMaxDelayMs: number;
  readonly batchMaxBytes: number;
  readonly totalBatchMaxBytes: number;
}

export type SendDone = (result: SendResult) => void;
export type SendFailed = (error: Error) => void;

/** Sends a batch that is ready (Producer: a SendCall over the batch host). */
export interface AccumulatorHost {
  send(batch: AccumulatedBatch): void;
}

/** Refuses options outside RocketMQ's ranges. */
export function checkAccumulatorOptions(options: AccumulatorOptions): void {
  const { batchMaxDelayMs, batchMaxBytes, totalBatchMaxBytes } = options;
  if (!Number.isInteger(batchMaxDelayMs) || batchMaxDelayMs <= 0 || batchMaxDelayMs > BATCH_MAX_DELAY_MS_MAX) {
    throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `batchMaxDelayMs expect between 1ms and 30s, but get ${batchMaxDelayMs}!`);
  }
  if (!Number.isInteger(batchMaxBytes) || batchMaxBytes <= 0 || batchMaxBytes > BATCH_MAX_BYTES_MAX) {
    throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `batchMaxBytes expect between 1B and 2MB, but get ${batchMaxBytes}!`);
  }
  if (!Number.isInteger(totalBatchMaxBytes) || totalBatchMaxBytes <= 0) {
    throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `totalBatchMaxBytes must bigger then 0, but get ${totalBatchMaxBytes}!`);
  }
}

/**
 * Whether a message may join a batch (RocketMQ's canBatch, plus what the batch body cannot
 * carry): no delay level or delivery time, not transactional, not to a %RETRY% / %DLQ% topic,
 * and not compressed (a batch has one sysFlag for all its records). Sends with an explicit
 * queue or selector never get here.
 */
export function canBatch(message: Message, compressOverBytes: number): boolean {
  const properties = message.properties;
  if (message.body.length >= compressOverBytes) return false;
  if (properties[MessageConst.DELAY] !== undefined || properties[MessageConst.TIMER_DELIVER_MS] !== undefined) return false;
  if (properties[MessageConst.TIMER_DELAY_SEC] !== undefined || properties[MessageConst.TIMER_DELAY_MS] !== undefined) return false;
  if (properties[MessageConst.START_DELIVER_TIME] !== undefined) return false;
  if (properties[MessageConst.TRAN_MSG] !== undefined || properties[MessageConst.PGROUP] !== undefined) return false;
  const topic = message.topic;
  return !topic.startsWith(SystemName.RETRY_GROUP_TOPIC_PREFIX) && !topic.startsWith(SystemName.DLQ_GROUP_TOPIC_PREFIX);
}


/**
 * One batch being filled or in flight: the entries written so far, and per member its UNIQ_KEY
 * and its resolvers. It is the SendCall's subject (`topic`) and settles its members itself.
 */
export class AccumulatedBatch implements SendSubject {
  readonly uniqKeys: string[] = [];
  readonly dones: SendDone[] = [];
  readonly failures: SendFailed[] = [];
  /** Bytes of entries written. */
  bytes = 0;
  /** Members at the previous linger check. */
  countAtCheck = 0;
  /** The smallest timeout and the most retries any member asked for. */
  timeoutMs = Number.POSITIVE_INFINITY;
  retries = 0;
  private settled = false;

  constructor(
    readonly key: string,
    readonly topic: string,
    readonly waitStoreMsgOK: boolean,
    readonly buffer: Buffer,
    readonly createdMs: number,
    private readonly owner: SendAccumulator,
  ) {}

  get count(): number {
    return this.uniqKeys.length;
  }

  /** The batch as the SendCall sends it: the entries, WAIT as the batch-level property. */
  prepared(): PreparedMessage {
    return { body: this.buffer.subarray(0, this.bytes), sysFlag: 0, properties: this.waitStoreMsgOK ? WAIT_TRUE : WAIT_FALSE, uniqKey: '' };
  }

  /** Writes the member's entry (the caller checked it fits); returns the entry's bytes. */
  append(
    message: Message, uniqKey: string, timeoutMs: number, retries: number, done: SendDone, failed: SendFailed,
    uniqKeyBytes: Uint8Array | undefined,
  ): number {
    const target = this.buffer;
    const start = this.bytes;
    const body = message.body;
    const bodyStart = start + 20;
    // TypedArray#set: a builtin memmove, cheaper for a small body than Buffer#copy's native call.
    target.set(body, bodyStart);
    const propertiesStart = bodyStart + body.length + 2;
    let position = propertiesStart;
    const properties = message.properties;
    for (const name in properties) {
      if (name === MessageConst.WAIT) continue;
      if (position > propertiesStart) target[position++] = PROPERTY_SEPARATOR;
      position = writeText(target, position, name);
      target[position++] = NAME_VALUE_SEPARATOR;
      const value = properties[name] as string;
      if (uniqKeyBytes !== undefined && name === MessageConst.UNIQ_KEY && value === uniqKey) {
        target.set(uniqKeyBytes, position);
        position += uniqKeyBytes.length;
      } else {
        position = writeText(target, position, value);
      }
    }
    const propertiesBytes = position - propertiesStart;
    const entryBytes = position - start;
    put32(target, start, entryBytes);
    put32(target, start + 4, 0);
    put32(target, start + 8, 0);
    put32(target, start + 12, message.flag);
    put32(target, start + 16, body.length);
    target[propertiesStart - 2] = propertiesBytes >>> 8;
    target[propertiesStart - 1] = propertiesBytes;
    this.bytes = position;
    this.uniqKeys.push(uniqKey);
    this.dones.push(done);
    this.failures.push(failed);
    if (timeoutMs < this.timeoutMs) this.timeoutMs = timeoutMs;
    if (retries > this.retries) this.retries = retries;
    return entryBytes;
  }

  /** The batch's answer, split per member (RocketMQ's splitSendResults). */
  readonly succeeded = (result: SendResult): void => {
    const count = this.count;
    const offsetMsgIds = count === 1 ? [result.offsetMsgId] : result.offsetMsgId.split(',');
    if (offsetMsgIds.length !== count) {
      this.failed(new PetrelError(ErrorCode.ERR_HEADER_MALFORMED,
        `the answer to a batch of ${count} carries ${offsetMsgIds.length} message ids`));
      return;
    }
    if (!this.settle(true)) return;
    const { sendStatus, messageQueue, queueOffset, regionId, traceOn, transactionId } = result;
    const uniqKeys = this.uniqKeys;
    const dones = this.dones;
    for (let index = 0; index < count; index++) {
      (dones[index] as SendDone)(new SendResult(sendStatus, uniqKeys[index] as string, offsetMsgIds[index] as string,
        messageQueue, queueOffset + index, regionId, traceOn, transactionId));
    }
  };

  /** The batch failed (after its retries): every member fails with the same error. */
  readonly failed = (error: Error): void => {
    if (!this.settle(false)) return;
    for (const failed of this.failures) failed(error);
  };

  private settle(reuse: boolean): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.owner.release(this, reuse);
    return true;
  }
}

/**
 * The open batches of one producer, one per (topic, waitStoreMsgOK), and the bytes they hold.
 * Single-threaded (the producer's event loop); see the file comment for the flush rules.
 */
export class SendAccumulator {
  private readonly open = new Map<string, AccumulatedBatch>();
  private readonly freeBuffers: Buffer[] = [];
  private heldBytes = 0;
  private scheduled = false;
  private readonly reuseBuffers: boolean;

  constructor(
    private readonly host: AccumulatorHost,
    private readonly options: AccumulatorOptions,
    private readonly nowMs: () => number = Date.now,
  ) {
    checkAccumulatorOptions(options);
    this.reuseBuffers = options.batchMaxBytes <= REUSABLE_BUFFER_BYTES_MAX;
  }

  /** Entry bytes of open and in-flight batches. */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /** Open (not yet sent) batches. */
  get openCount(): number {
    return this.open.size;
  }

  /**
   * Adds a checked, UNIQ_KEY-stamped message that `canBatch` accepted; `uniqKeyBytes`, when
   * given, are the key's ASCII bytes (FastUniqKeyGenerator.bytesOf), written instead of reading
   * the key string. False when it cannot
   * join a batch (larger than a batch); the caller sends it alone. A send over
   * `totalBatchMaxBytes` fails through `failed` at once.
   */
  add(
    message: Message, uniqKey: string, timeoutMs: number, retries: number, done: SendDone, failed: SendFailed,
    uniqKeyBytes?: Uint8Array,
  ): boolean {
    // WAIT is left out: the batch carries it once.
    const propertiesBytesMax = 3 * propertiesChars(message.properties, MessageConst.WAIT);
    const entryBytesMax = BATCH_ENTRY_FIXED_BYTES + message.body.length + propertiesBytesMax;
    if (entryBytesMax > this.options.batchMaxBytes || propertiesBytesMax > PROPERTIES_BYTES_MAX) return false;
    const waitStoreMsgOK = message.properties[MessageConst.WAIT] !== 'false';
    const key = waitStoreMsgOK ? message.topic : `${message.topic}\u0000`;
    let batch = this.open.get(key);
    if (batch !== undefined && (batch.bytes + entryBytesMax > batch.buffer.length || batch.count >= BATCH_MEMBERS_MAX)) {
      this.flush(batch);
      batch = undefined;
    }
    if (this.heldBytes + entryBytesMax > this.options.totalBatchMaxBytes) {
      failed(new PetrelError(ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT,
        `auto-batching holds ${this.heldBytes} bytes, totalBatchMaxBytes is ${this.options.totalBatchMaxBytes}`, { retriable: true }));
      return true;
    }
    if (batch === undefined) batch = this.openBatch(key, message.topic, waitStoreMsgOK);
    const entryBytes = batch.append(message, uniqKey, timeoutMs, retries, done, failed, uniqKeyBytes);
    this.heldBytes += entryBytes;
    if (batch.buffer.length - batch.bytes < entryBytes || batch.count >= BATCH_MEMBERS_MAX) this.flush(batch);
    else if (!this.scheduled) this.schedule();
    return true;
  }

  /** Sends every open batch now (producer shutdown). */
  flushAll(): void {
    for (const batch of this.open.values()) this.flush(batch);
  }

  /** Called once per batch when it settles; a successful batch's buffer is kept for reuse. */
  release(batch: AccumulatedBatch, reuse: boolean): void {
    this.heldBytes -= batch.bytes;
    assert(this.heldBytes >= 0, 'accumulator held bytes went negative');
    if (reuse && this.reuseBuffers && (this.freeBuffers.length + 1) * batch.buffer.length <= FREE_BUFFER_BYTES_MAX) {
      this.freeBuffers.push(batch.buffer);
    }
  }

  private openBatch(key: string, topic: string, waitStoreMsgOK: boolean): AccumulatedBatch {
    const buffer = this.freeBuffers.pop() ?? Buffer.allocUnsafeSlow(this.options.batchMaxBytes);
    const batch = new AccumulatedBatch(key, topic, waitStoreMsgOK, buffer, this.nowMs(), this);
    this.open.set(key, batch);
    return batch;
  }

  private flush(batch: AccumulatedBatch): void {
    assert(batch.count > 0, 'an open batch has members');
    this.open.delete(batch.key);
    this.host.send(batch);
  }

  private schedule(): void {
    this.scheduled = true;
    setImmediate(this.check);
  }

  /** The linger check: batches that stopped growing, or waited batchMaxDelayMs, go out. */
  private readonly check = (): void => {
    this.scheduled = false;
    if (this.open.size === 0) return;
    const nowMs = this.nowMs();
    const delayMs = this.options.batchMaxDelayMs;
    for (const batch of this.open.values()) {
      if (batch.count === batch.countAtCheck || nowMs - batch.createdMs >= delayMs) this.flush(batch);
      else batch.countAtCheck = batch.count;
    }
    if (this.open.size > 0) this.schedule();
  };
}
