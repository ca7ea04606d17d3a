import { Worker } from 'node:worker_threads';
import { assert } from '../../common/assert.js';
import { errorFromWire } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import type { RemotingCommand } from '../../protocol/command.js';
import type { RequestHandler } from '../../remoting/channel.js';
import type { ControlSender } from '../data-plane/control-port.js';
import type { DataPlaneConfig } from '../data-plane/config.js';
import type { SnapshotSource } from '../data-plane/local.js';
import type { GroupsSnapshotLike, TopicsSnapshotLike } from '../data-plane/snapshot-tables.js';
import type { FromIoThread, IoThreadStart, ToIoThread } from './io-messages.js';
import { ProxyChannel, type ProxyChannelInfo } from './proxy-channel.js';
import { fromWireCommand, toWireCommand } from './wire-command.js';

/**
 * The main-thread side of the broker's I/O threads (DESIGN "The broker's threads"): spawns
 * `workers/io.worker.ts` threads, each with its own store producer port, tables snapshot and
 * dispatch pool; thread 0 also runs the TCP remoting listener. Every command the data plane
 * does not serve arrives here with a ProxyChannel and goes to the control plane's handler; the
 * reply goes back to the owning thread. Topic/group changes are pushed to every thread.
 */
export interface IoThreadsOptions {
  readonly threads: number;
  readonly host: string;
  /** TCP remoting port (0: pick one). */
  readonly listenPort: number;
  /** WebSocket/HTTP port, normally listenPort + 2 (0: pick one; then only one thread listens). */
  readonly wsPort: number;
  readonly wsImplementation: 'auto' | 'uws' | 'node';
  readonly channelIdleMs: number;
  readonly dataPlane: DataPlaneConfig;
  readonly store: { createProducerPort(): unknown; readerPort(): unknown };
  readonly dispatchThreads: number;
  readonly topics: SnapshotSource<TopicsSnapshotLike>;
  readonly groups: SnapshotSource<GroupsSnapshotLike>;
  readonly controlHandler: RequestHandler;
  readonly sendControl: ControlSender;
  readonly logDir: string;
  readonly logger: Logger;
  /** A thread failed or exited without being stopped: the broker must stop (STYLE §8). */
  readonly onFatal: (error: Error) => void;
  /** Override the worker script (tests); default dist/workers/io.worker.js beside this file. */
  readonly workerUrl?: URL;
}

export interface IoThreads {
  readonly tcpPort: number;
  readonly wsPort: number | null;
  readonly wsImplementation: string | null;
  readonly threadCount: number;
  stop(): Promise<void>;
}

const DEFAULT_WORKER_URL = new URL('../../../workers/io.worker.js', import.meta.url);

export async function startIoThreads(options: IoThreadsOptions): Promise<IoThreads> {
  assert(options.threads >= 1, 'at least one I/O thread');
  const threads: IoThread[] = [];
  const first = new IoThread(0, options);
  threads.push(first);
  const ready = await first.start(options.listenPort, options.wsPort);
  assert(ready.tcpPort !== null, 'thread 0 runs the TCP listener');
  if (options.threads > 1 && ready.wsPort !== null && ready.wsSharesPort) {
    const others: IoThread[] = [];
    for (let index = 1; index < options.threads; index++) others.push(new IoThread(index, options));
    threads.push(...others);
    await Promise.all(others.map((thread) => thread.start(null, ready.wsPort)));
  } else if (options.threads > 1) {
    options.logger.info({ wsPort: ready.wsPort }, 'WebSocket port cannot be shared: one I/O thread runs');
  }
  const unsubscribeTopics = options.topics.onChange((topics) => {
    for (const thread of threads) thread.post({ kind: 'io-topics', topics });
  });
  const unsubscribeGroups = options.groups.onChange((groups) => {
    for (const thread of threads) thread.post({ kind: 'io-groups', groups });
  });
  options.logger.info({ threads: threads.length, tcpPort: ready.tcpPort, wsPort: ready.wsPort }, 'I/O threads started');
  return {
    tcpPort: ready.tcpPort,
    wsPort: ready.wsPort,
    wsImplementation: ready.wsImplementation,
    threadCount: threads.length,
    async stop() {
      unsubscribeTopics();
      unsubscribeGroups();
      await Promise.all(threads.map((thread) => thread.stop()));
    },
  };
}

type ReadyMessage = Extract<FromIoThread, { kind: 'io-ready' }>;

/** One I/O worker thread and the proxies of the connections it forwarded. */
class IoThread {
  private worker: Worker | null = null;
  private readonly proxies = new Map<number, ProxyChannel>();
  private stopping = false;
  private whenReady: ((message: ReadyMessage) => void) | null = null;
  private failStart: ((error: Error) => void) | null = null;
  private whenStopped: (() => void) | null = null;

  constructor(readonly threadIndex: number, private readonly options: IoThreadsOptions) {}

  start(tcpPort: number | null, wsPort: number | null): Promise<ReadyMessage> {
    const { options } = this;
    const start: IoThreadStart = {
      kind: 'io-start', threadIndex: this.threadIndex, host: options.host, tcpPort, wsPort,
      wsImplementation: options.wsImplementation, channelIdleMs: options.channelIdleMs,
      dataPlane: options.dataPlane, producerPort: options.store.createProducerPort(),
      readerPort: options.store.readerPort(), dispatchThreads: options.dispatchThreads,
      topics: options.topics.snapshot(), groups: options.groups.snapshot(), logDir: options.logDir,
    };
    const worker = new Worker(options.workerUrl ?? DEFAULT_WORKER_URL, { name: `petrel-io-${this.threadIndex}` });
    this.worker = worker;
    worker.on('message', (message: FromIoThread) => this.onMessage(message));
    worker.on('error', (error) => this.fatal(error));
    worker.on('exit', (code) => this.onExit(code));
    return new Promise((resolve, reject) => {
      this.whenReady = resolve;
      this.failStart = reject;
      this.post(start);
    });
  }

  post(message: ToIoThread, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker === null || this.stopping) return;
    this.stopping = true;
    await new Promise<void>((resolve) => {
      this.whenStopped = resolve;
      worker.once('exit', () => resolve());
      this.post({ kind: 'io-stop' });
    });
    await worker.terminate();
    for (const proxy of this.proxies.values()) proxy.markClosed();
    this.proxies.clear();
  }

  private onMessage(message: FromIoThread): void {
    switch (message.kind) {
      case 'io-ready':
        this.whenReady?.(message);
        this.whenReady = null;
        this.failStart = null;
        return;
      case 'io-control-request':
        this.serveControl(message.requestId, message.channel, fromWireCommand(message.command));
        return;
      case 'io-data-plane-request':
        Promise.resolve()
          .then(() => this.options.sendControl(message.message))
          .then(
            (reply) => this.post({ kind: 'io-data-plane-reply', requestId: message.requestId, reply, failure: null }),
            (error: unknown) => this.post({ kind: 'io-data-plane-reply', requestId: message.requestId, reply: null,
              failure: describe(error) }),
          );
        return;
      case 'io-commit-offsets':
        for (const { group, topic, queueId, queueOffset } of message.offsets) {
          Promise.resolve()
            .then(() => this.options.sendControl({ kind: 'commit-offset', group, topic, queueId, queueOffset }))
            .catch((error: unknown) => this.options.logger.warn({ err: error, group, topic, queueId }, 'commit offset failed'));
        }
        return;
      case 'io-channel-closed':
        this.proxies.get(message.channelId)?.markClosed();
        this.proxies.delete(message.channelId);
        return;
      case 'io-stopped':
        this.whenStopped?.();
        return;
      case 'io-failed':
        this.fatal(errorFromWire(message.error));
        return;
    }
  }

  private serveControl(requestId: number, info: ProxyChannelInfo, command: RemotingCommand): void {
    const proxy = this.proxyFor(info);
    Promise.resolve()
      .then(() => this.options.controlHandler(command, proxy))
      .then(
        (reply) => {
          const transfer: ArrayBuffer[] = [];
          const wire = reply === null ? null : toWireCommand(reply, transfer);
          this.post({ kind: 'io-control-reply', requestId, reply: wire, failure: null }, transfer);
        },
        (error: unknown) => this.post({ kind: 'io-control-reply', requestId, reply: null, failure: describe(error) }),
      );
  }

  private proxyFor(info: ProxyChannelInfo): ProxyChannel {
    let proxy = this.proxies.get(info.channelId);
    if (proxy === undefined) {
      proxy = new ProxyChannel(this.threadIndex, info, {
        send: (channelId, command) => {
          const transfer: ArrayBuffer[] = [];
          this.post({ kind: 'io-channel-send', channelId, command: toWireCommand(command, transfer) }, transfer);
        },
        close: (channelId, reason) => this.post({ kind: 'io-channel-close', channelId, reason }),
      });
      this.proxies.set(info.channelId, proxy);
    }
    return proxy;
  }

  private onExit(code: number): void {
    if (!this.stopping) this.fatal(new Error(`I/O thread ${this.threadIndex} exited (code ${code}) without a stop`));
  }

  private fatal(error: Error): void {
    if (this.stopping) return;
    if (this.failStart !== null) {
      // Still starting: the caller of startIoThreads gets the error (e.g. the port is taken).
      this.failStart(error);
      this.failStart = null;
      this.whenReady = null;
      this.stopping = true;
      void this.worker?.terminate();
      return;
    }
    this.options.logger.error({ err: error, thread: this.threadIndex }, 'I/O thread failed');
    this.options.onFatal(error);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
