import { assert } from '../../common/assert.js';

/**
 * The data plane's named bounds (STYLE §0), with the reason for each number. They live beside
 * the data plane rather than in src/common/limits.ts because nothing else uses them.
 */

/**
 * Longest a pull is held. Push consumers ask for 15 s and pull consumers 20 s with a 30 s
 * socket timeout; a client whose response times out closes its whole connection (ali-ons), so
 * a hold never exceeds 25 s whatever the request says.
 */
export const PULL_HOLD_MS_MAX = 25_000;

/** Pulls held at once per thread; beyond it a pull gets PULL_NOT_FOUND at once (client re-pulls). */
export const PULL_HOLD_COUNT_MAX = 100_000;

/** Deadline sweep for held pulls: a held pull answers at most this late. */
export const PULL_HOLD_SWEEP_MS = 50;

/**
 * Messages per pull, whatever `maxMsgNums` says: the default of the broker key
 * maxTransferCountOnMessageInMemory (RocketMQ's default is 32; Petrel's clients and the load
 * harness ask for up to 1024 per pull, as large as the peers' batches).
 */
export const PULL_MESSAGES_MAX = 1024;

/**
 * Bytes per pull body: the default of the broker key maxTransferBytesOnMessageInMemory (RocketMQ's
 * 256 KiB), also the size of an I/O thread's pull body slots. A pull stops before it unless one
 * message is larger; we keep whole records, so one large message may exceed it.
 */
export const PULL_BODY_BYTES_MAX = 256 * 1024;

/**
 * A pull at most this many entries behind its queue's end is read on the I/O thread itself
 * (../io/dispatch-pool.ts) instead of by the dispatch pool: a caught-up consumer's pull (the
 * long-polling case) then costs no thread hand-off, and its records are in the shared tail
 * cache. 64 entries keep that read to a few hundred microseconds of copying (the body is capped
 * at PULL_BODY_BYTES_MAX anyway); pulls further behind (backlog drains) stay in the pool.
 */
export const PULL_DIRECT_ENTRIES_MAX = 64;

/** Records in one SEND_BATCH_MESSAGE (the batch body is bounded by maxMessageSize anyway). */
export const BATCH_MESSAGES_MAX = 4096;

/** Extra bytes a record may have beyond its body (topic, properties, fixed fields). */
export const RECORD_OVERHEAD_BYTES_MAX = 91 + 20 + 20 + 127 + 32_767;

assert(PULL_HOLD_SWEEP_MS < PULL_HOLD_MS_MAX, 'sweep must be finer than the longest hold');
assert(PULL_MESSAGES_MAX >= 32, 'a pull must carry a push consumer default batch (32)');

/**
 * Longest an I/O thread keeps the consumer offsets piggy-backed on pulls before handing them to
 * the control plane in one message (../io/commit-offset-buffer.ts). A postMessage per pull woke
 * the main thread and, through its reply, the I/O thread once more for every pull: at 5k pulls/s
 * that was 5k wake-ups a second on each side. RocketMQ keeps these offsets in memory and persists
 * them every 5 s (flushConsumerOffsetInterval), and the I/O thread sends what it holds before any
 * other message to the control plane (a QUERY_CONSUMER_OFFSET or UPDATE_CONSUMER_OFFSET after a
 * pull sees its offset, in order), so the delay is not observable through the protocol.
 */
export const COMMIT_OFFSET_FLUSH_MS = 10;
