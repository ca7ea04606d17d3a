/**
 * Every message that crosses a worker boundary, as discriminated unions in both directions
 * (STYLE §8). Sections are owned by the engineers of the matching workers; add yours below.
 */
import type { MessagePort } from 'node:worker_threads';
import type { WireError } from '../src/common/errors.js';
import type { StoreConfig } from '../src/store/config.js';
import type { RecoveryReport } from '../src/store/recovery.js';

// ---------------------------------------------------------------------------------------------
// Store worker (workers/store.worker.ts) and flusher (workers/flusher.worker.ts). Data never
// goes through these messages: appends and completions use the SAB rings, offsets the control
// SAB. These carry start-up, producer registration, admin commands and shutdown.

export interface StoreWorkerStart {
  kind: 'start';
  config: StoreConfig;
  control: SharedArrayBuffer;
  tailCache: SharedArrayBuffer;
  indexSlots: SharedArrayBuffer | null;
  /** The store worker's end of a channel to the flusher (checkpoint requests). */
  flusherPort: MessagePort;
  logDir: string;
}

export type ToStoreWorker =
  | { kind: 'add-producer'; producerIndex: number; requests: SharedArrayBuffer; completions: SharedArrayBuffer }
  | { kind: 'delete-topic'; requestId: number; topic: string }
  | { kind: 'stop' }
  | { kind: 'finish' };

export type FromStoreWorker =
  | { kind: 'ready'; report: RecoveryReport }
  | { kind: 'done'; requestId: number }
  | { kind: 'drained' }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: WireError };

export interface FlusherStart {
  kind: 'start';
  config: StoreConfig;
  control: SharedArrayBuffer;
  /** The flusher's end of the channel from the store worker. */
  workerPort: MessagePort;
  logDir: string;
}

/** The committer thread (ASYNC_FLUSH, tail mode: src/store/committer.ts) runs in flusher.worker.ts too. */
export interface CommitterStart {
  kind: 'start-committer';
  config: StoreConfig;
  control: SharedArrayBuffer;
  tailCache: SharedArrayBuffer;
  logDir: string;
}

/** Store worker -> flusher: fsync these derived files, then advance the checkpoint. */
export interface CheckpointRequest {
  kind: 'checkpoint';
  queuePaths: string[];
  indexPath: string | null;
  logicsPhysicalOffset: number;
  indexPhysicalOffset: number;
  logicsTimestampMs: number;
  indexTimestampMs: number;
}

export type FromFlusher =
  | { kind: 'ready' }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: WireError };

// ---------------------------------------------------------------------------------------------
// Broker I/O threads (workers/io.worker.ts) and the dispatch pool (workers/dispatch.worker.ts).
// Defined beside their code in src/broker/io/io-messages.ts (they carry broker types: table
// snapshots, control-plane messages, wire commands); listed here so every thread boundary is
// found in one file. Sends and pulls never cross as messages: SAB rings and piscina tasks.
export type {
  DispatchTask, DispatchWorkerData, FromIoThread, IoThreadStart, ToIoThread,
} from '../src/broker/io/io-messages.js';
