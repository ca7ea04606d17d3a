import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { assert } from '../src/common/assert.js';
import type { DispatchTask, DispatchWorkerData } from '../src/broker/io/io-messages.js';
import { getMessagesFrom, queryByKeyFrom } from '../src/broker/data-plane/store-reader-port.js';
import { type ReaderPort, StoreReader } from '../src/store/reader.js';

/**
 * A dispatch-pool worker (piscina, DESIGN "Dispatch pool"): serves an I/O thread's pulls and
 * message queries through its own StoreReader (shared memory + positional file reads). A pull's
 * body is assembled in the shared body slot the task names (src/broker/io/pull-body-slots.ts)
 * and only its length comes back (`slotBodyBytes`); a body that does not fit, or one without a
 * slot, comes back as one transferred buffer of whole records, never copied on the way.
 */
let reader: StoreReader | null = null;
/** Views of the body slots, made once each. */
const slotTargets: Buffer[] = [];

function storeReader(): StoreReader {
  if (reader === null) reader = new StoreReader((workerData as DispatchWorkerData).readerPort as ReaderPort);
  return reader;
}

function slotTarget(slot: number): Buffer | undefined {
  if (slot < 0) return undefined;
  let target = slotTargets[slot];
  if (target === undefined) {
    const { bodySlots, bodySlotBytes } = workerData as DispatchWorkerData;
    target = Buffer.from(bodySlots, slot * bodySlotBytes, bodySlotBytes);
    slotTargets[slot] = target;
  }
  return target;
}

export default function dispatch(task: DispatchTask): unknown {
  const source = storeReader();
  switch (task.kind) {
    case 'get-messages': {
      const target = slotTarget(task.bodySlot);
      const result = getMessagesFrom(source, task, target);
      const body = result.body;
      if (target !== undefined && body !== null && body.buffer === target.buffer) {
        assert(body.byteOffset === target.byteOffset, 'a slot body starts at its slot');
        return { ...result, body: null, slotBodyBytes: body.length };
      }
      return withBody({ ...result, slotBodyBytes: -1 }, body);
    }
    case 'read-record':
      return withBody({ found: true }, source.readRecord(task.physicalOffset));
    case 'query-by-key': {
      const result = queryByKeyFrom(source, task.topic, task.key, task.maxCount, task.beginMs, task.endMs);
      return withBody(result, result.body);
    }
    case 'offset-by-timestamp':
      return source.offsetByTimestamp(task.topic, task.queueId, task.timestampMs);
    case 'earliest-store-time':
      return source.earliestStoreTime(task.topic, task.queueId);
  }
}

/** The result with its body as a Uint8Array that owns its buffer, moved (transferred) to the caller. */
function withBody<T extends object>(result: T, body: Buffer | null): unknown {
  if (body === null) return { ...result, body: null };
  const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength
    ? new Uint8Array(body.buffer, 0, body.byteLength)
    : Uint8Array.from(body);
  const value = { ...result, body: owned };
  return move({
    get [transferableSymbol]() {
      return [owned.buffer];
    },
    get [valueSymbol]() {
      return value;
    },
  } as unknown as ArrayBuffer);
}
