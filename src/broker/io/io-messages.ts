import type { WireError } from '../../common/errors.js';
import type { DataPlaneMessage, DataPlaneReply } from '../control-messages.js';
import type { DataPlaneConfig } from '../data-plane/config.js';
import type { GroupsSnapshotLike, TopicsSnapshotLike } from '../data-plane/snapshot-tables.js';
import type { CommittedOffset } from './commit-offset-buffer.js';
import type { ProxyChannelInfo } from './proxy-channel.js';
import type { WireCommand } from './wire-command.js';

/**
 * The typed postMessage protocol between the broker's main thread and its I/O threads
 * (workers/io.worker.ts), both directions, plain and structured-cloneable (STYLE §8). Data never
 * goes through here: sends use the store's SAB rings and pulls the dispatch pool. These carry
 * start-up, table snapshots, forwarded control-plane commands and their replies, the data plane's
 * control messages, server-initiated sends on proxied channels, channel closes and shutdown.
 */
export interface IoThreadStart {
  readonly kind: 'io-start';
  readonly threadIndex: number;
  readonly host: string;
  /** TCP remoting port for the thread that runs the TCP listener; null in the others. */
  readonly tcpPort: number | null;
  /** WebSocket/HTTP port; null when this thread runs no WebSocket listener. */
  readonly wsPort: number | null;
  readonly wsImplementation: 'auto' | 'uws' | 'node';
  readonly channelIdleMs: number;
  readonly dataPlane: DataPlaneConfig;
  /** The store's ProducerPort and ReaderPort (src/store), structured-cloneable SAB handles. */
  readonly producerPort: unknown;
  readonly readerPort: unknown;
  /** Dispatch-pool threads this I/O thread owns for pulls (0: read on the I/O thread). */
  readonly dispatchThreads: number;
  readonly topics: TopicsSnapshotLike;
  readonly groups: GroupsSnapshotLike;
  readonly logDir: string;
}

export type ToIoThread =
  | IoThreadStart
  | { readonly kind: 'io-topics'; readonly topics: TopicsSnapshotLike }
  | { readonly kind: 'io-groups'; readonly groups: GroupsSnapshotLike }
  | { readonly kind: 'io-control-reply'; readonly requestId: number; readonly reply: WireCommand | null;
    readonly failure: string | null }
  | { readonly kind: 'io-data-plane-reply'; readonly requestId: number; readonly reply: DataPlaneReply | null;
    readonly failure: string | null }
  | { readonly kind: 'io-channel-send'; readonly channelId: number; readonly command: WireCommand }
  | { readonly kind: 'io-channel-close'; readonly channelId: number; readonly reason: string }
  | { readonly kind: 'io-stop' };

export type FromIoThread =
  | { readonly kind: 'io-ready'; readonly threadIndex: number; readonly tcpPort: number | null;
    readonly wsPort: number | null; readonly wsSharesPort: boolean; readonly wsImplementation: string | null }
  | { readonly kind: 'io-control-request'; readonly requestId: number; readonly channel: ProxyChannelInfo;
    readonly command: WireCommand }
  | { readonly kind: 'io-data-plane-request'; readonly requestId: number; readonly message: DataPlaneMessage }
  /** Consumer offsets piggy-backed on pulls, the latest per queue (one-way; commit-offset-buffer.ts). */
  | { readonly kind: 'io-commit-offsets'; readonly offsets: readonly CommittedOffset[] }
  | { readonly kind: 'io-channel-closed'; readonly channelId: number }
  | { readonly kind: 'io-stopped' }
  | { readonly kind: 'io-failed'; readonly error: WireError };

/** Tasks an I/O thread gives its dispatch pool (workers/dispatch.worker.ts, piscina). */
export type DispatchTask =
  | { readonly kind: 'get-messages'; readonly topic: string; readonly queueId: number; readonly queueOffset: number;
    readonly maxCount: number; readonly maxBytes?: number | undefined; readonly tagCodes: readonly number[] | null;
    readonly sql92Expression?: string | undefined;
    /** The shared body slot to assemble the body in (src/broker/io/pull-body-slots.ts), -1 for none. */
    readonly bodySlot: number }
  | { readonly kind: 'read-record'; readonly physicalOffset: number }
  | { readonly kind: 'query-by-key'; readonly topic: string; readonly key: string; readonly maxCount: number;
    readonly beginMs: number; readonly endMs: number }
  | { readonly kind: 'offset-by-timestamp'; readonly topic: string; readonly queueId: number; readonly timestampMs: number }
  | { readonly kind: 'earliest-store-time'; readonly topic: string; readonly queueId: number };

/** What the dispatch pool is started with (piscina `workerData`). */
export interface DispatchWorkerData {
  readonly readerPort: unknown;
  /** The I/O thread's pull body slots (PullBodySlots.memory) and their size. */
  readonly bodySlots: SharedArrayBuffer;
  readonly bodySlotBytes: number;
}
