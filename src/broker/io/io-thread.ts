import { type MessagePort, parentPort } from 'node:worker_threads';
import { assert } from '../../common/assert.js';
import { ErrorCode, PetrelError } from '../../common/errors.js';
import { type Logger, createLogger, flushLogs } from '../../common/log.js';
import type { RemotingCommand } from '../../protocol/command.js';
import type { Channel, RequestHandler } from '../../remoting/channel.js';
import { RemotingServer } from '../../remoting/server.js';
import { type WsServer, startWsServer } from '../../remoting/ws-server.js';
import { type ProducerPort, StoreProducer } from '../../store/producer.js';
import { type ReaderPort, StoreReader } from '../../store/reader.js';
import type { DataPlaneMessage, DataPlaneReply } from '../control-messages.js';
import { createControlPort } from '../data-plane/control-port.js';
import {
  DATA_PLANE_REQUEST_CODES, type DataPlane, LAZY_HEADER_REQUEST_CODES, createDataPlane,
} from '../data-plane/index.js';
import type { MessageReader } from '../data-plane/ports.js';
import { SnapshotTables } from '../data-plane/snapshot-tables.js';
import { DirectReader } from '../data-plane/store-reader-port.js';
import { COMMIT_OFFSET_FLUSH_MS } from '../data-plane/bounds.js';
import { CommitOffsetBuffer } from './commit-offset-buffer.js';
import { PoolReader } from './dispatch-pool.js';
import type { FromIoThread, IoThreadStart, ToIoThread } from './io-messages.js';
import { fromWireCommand, toWireCommand } from './wire-command.js';

/**
 * One broker I/O thread (workers/io.worker.ts runs it): its servers (WebSocket on the shared
 * port; TCP too in thread 0), its data plane (store producer, dispatch pool, tables), and the
 * forwarding of every other command to the main thread's control plane, whose replies and
 * server-initiated sends come back here because this thread owns the sockets.
 */
interface Pending<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export class IoThreadRuntime {
  private readonly tables: SnapshotTables;
  private readonly producer: StoreProducer;
  private readonly reader: MessageReader;
  private readonly dataPlane: DataPlane;
  private readonly logger: Logger;
  private readonly channels = new Map<number, Channel>();
  private readonly controlPending = new Map<number, Pending<RemotingCommand | null>>();
  private readonly dataPlanePending = new Map<number, Pending<DataPlaneReply>>();
  private nextRequestId = 1;
  /** Offsets piggy-backed on pulls, handed to the control plane in one message (bounds.ts). */
  private readonly offsets = new CommitOffsetBuffer();
  private offsetsTimer: NodeJS.Timeout | null = null;
  private tcp: RemotingServer | null = null;
  private ws: WsServer | null = null;

  constructor(private readonly start: IoThreadStart, private readonly port: MessagePort) {
    this.logger = createLogger('remoting', start.logDir).child({ ioThread: start.threadIndex });
    this.tables = new SnapshotTables(start.topics, start.groups);
    this.producer = new StoreProducer(start.producerPort as ProducerPort);
    const local = new StoreReader(start.readerPort as ReaderPort);
    this.reader = start.dispatchThreads > 0
      ? new PoolReader(local, start.readerPort, start.dispatchThreads, undefined, undefined,
        start.dataPlane.maxTransferBytesOnMessageInMemory)
      : new DirectReader(local);
    const control = createControlPort((message) => this.askControlPlane(message), this.tables,
      (error) => this.logger.warn({ err: error }, 'control-plane message failed'));
    this.dataPlane = createDataPlane({
      config: start.dataPlane, tables: this.tables, appender: this.producer, reader: this.reader, control,
      logger: this.logger,
    });
  }

  async listen(): Promise<void> {
    const handler: RequestHandler = (command, channel) => DATA_PLANE_REQUEST_CODES.has(command.code)
      ? this.dataPlane.handler(command, channel)
      : this.forwardToControl(command, channel);
    this.dataPlane.start();
    if (this.start.tcpPort !== null) {
      this.tcp = new RemotingServer({
        handler, port: this.start.tcpPort, host: this.start.host, logger: this.logger,
        channelIdleMs: this.start.channelIdleMs, lazyExtCodes: LAZY_HEADER_REQUEST_CODES,
      });
      await this.tcp.listen();
    }
    if (this.start.wsPort !== null) {
      this.ws = await startWsServer({
        host: this.start.host, port: this.start.wsPort, handler, logger: this.logger,
        implementation: this.start.wsImplementation, lazyExtCodes: LAZY_HEADER_REQUEST_CODES,
        idleTimeoutSeconds: Math.min(960, Math.max(8, Math.round(this.start.channelIdleMs / 1000))),
      });
    }
    this.post({
      kind: 'io-ready', threadIndex: this.start.threadIndex, tcpPort: this.tcp?.port ?? null,
      wsPort: this.ws?.port ?? null, wsSharesPort: this.ws?.sharesPort ?? false,
      wsImplementation: this.ws?.implementation ?? null,
    });
  }

  onMessage(message: ToIoThread): void {
    switch (message.kind) {
      case 'io-start':
        return;
      case 'io-topics':
        this.tables.updateTopics(message.topics);
        return;
      case 'io-groups':
        this.tables.updateGroups(message.groups);
        return;
      case 'io-control-reply':
        settle(this.controlPending, message.requestId, message.failure,
          message.reply === null ? null : fromWireCommand(message.reply));
        return;
      case 'io-data-plane-reply':
        settle(this.dataPlanePending, message.requestId, message.failure, message.reply);
        return;
      case 'io-channel-send':
        this.channels.get(message.channelId)?.send(fromWireCommand(message.command));
        return;
      case 'io-channel-close':
        this.channels.get(message.channelId)?.close(message.reason);
        return;
      case 'io-stop':
        void this.stop();
        return;
    }
  }

  private forwardToControl(command: RemotingCommand, channel: Channel): Promise<RemotingCommand | null> {
    this.track(channel);
    const requestId = this.nextRequestId++;
    const transfer: ArrayBuffer[] = [];
    const wire = toWireCommand(command, transfer);
    return new Promise((resolve, reject) => {
      this.controlPending.set(requestId, { resolve, reject });
      this.post({
        kind: 'io-control-request', requestId, command: wire,
        channel: {
          channelId: channel.id, remoteAddress: channel.remoteAddress, localAddress: channel.localAddress,
          transport: channel.transport,
        },
      }, transfer);
    });
  }

  private askControlPlane(message: DataPlaneMessage): Promise<DataPlaneReply> {
    if (message.kind === 'commit-offset') {
      this.offsets.put(message.group, message.topic, message.queueId, message.queueOffset);
      this.offsetsTimer ??= setTimeout(this.flushOffsets, COMMIT_OFFSET_FLUSH_MS);
      return Promise.resolve(DONE);
    }
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.dataPlanePending.set(requestId, { resolve, reject });
      this.post({ kind: 'io-data-plane-request', requestId, message });
    });
  }

  /** The main thread knows this channel now: tell it when the connection closes. */
  private track(channel: Channel): void {
    if (this.channels.has(channel.id)) return;
    this.channels.set(channel.id, channel);
    channel.onClose(() => {
      this.channels.delete(channel.id);
      this.post({ kind: 'io-channel-closed', channelId: channel.id });
    });
  }

  private async stop(): Promise<void> {
    this.dataPlane.stop();
    await this.tcp?.close();
    await this.ws?.close();
    this.producer.close();
    if (this.reader instanceof PoolReader) await this.reader.close();
    const closed = new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'I/O thread stopping');
    for (const pending of [...this.controlPending.values(), ...this.dataPlanePending.values()]) pending.reject(closed);
    flushLogs();
    this.post({ kind: 'io-stopped' });
  }

  /** Every message to the main thread goes after the offsets held so far (they stay in order). */
  private post(message: FromIoThread, transfer: ArrayBuffer[] = []): void {
    if (this.offsets.size > 0) this.flushOffsets();
    this.port.postMessage(message, transfer);
  }

  private readonly flushOffsets = (): void => {
    if (this.offsetsTimer !== null) clearTimeout(this.offsetsTimer);
    this.offsetsTimer = null;
    if (this.offsets.size === 0) return;
    this.port.postMessage({ kind: 'io-commit-offsets', offsets: this.offsets.take() } satisfies FromIoThread);
  };
}

const DONE: DataPlaneReply = { kind: 'done' };

function settle<T>(pending: Map<number, Pending<T>>, requestId: number, failure: string | null, value: T): void {
  const entry = pending.get(requestId);
  if (entry === undefined) return;
  pending.delete(requestId);
  if (failure === null) entry.resolve(value);
  else entry.reject(new Error(failure));
}

/** Entry point for workers/io.worker.ts: waits for 'io-start', then serves until 'io-stop'. */
export function runIoThread(): void {
  const port = parentPort;
  assert(port !== null, 'io thread must run in a worker');
  let runtime: IoThreadRuntime | null = null;
  port.on('message', (message: ToIoThread) => {
    if (message.kind === 'io-start') {
      assert(runtime === null, 'io-start received twice');
      runtime = new IoThreadRuntime(message, port);
      runtime.listen().catch((error: unknown) => {
        const wire = error instanceof PetrelError
          ? error.toWire()
          : { code: ErrorCode.ERR_REMOTING_LISTEN, message: String(error), retriable: false };
        port.postMessage({ kind: 'io-failed', error: wire } satisfies FromIoThread);
      });
      return;
    }
    runtime?.onMessage(message);
  });
}
