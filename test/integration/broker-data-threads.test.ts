// Proves the threaded data plane (workers/io.worker.ts + the piscina dispatch pool) with the real
// store and control plane in one process: two I/O threads share the WebSocket port, thread 0 also
// serves TCP; sends and pulls work over both transports and read back each other's records byte
// for byte; a control command (UPDATE_AND_CREATE_TOPIC) is forwarded to the main thread and the
// new topic reaches the threads; a held pull over WebSocket wakes on a TCP send; a proxy channel's
// server-initiated send reaches the client. Runs the compiled JS in dist/ (workers need it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as IoThreadsModule from '../../src/broker/io/io-threads.js';
import { freePort } from './broker-data-cluster.js';

const DIST = resolve(import.meta.dirname, '..', '..', 'dist');
const load = <T>(path: string): Promise<T> => import(join(DIST, path)) as Promise<T>;

type Command = import('../../src/protocol/command.js').RemotingCommand;
interface Client {
  invoke(address: string, command: Command, timeoutMs: number): Promise<Command>;
  close(): void;
}

let dir: string;
let stopAll: () => Promise<void>;
let tcpAddress: string;
let wsAddress: string;
let tcp: Client;
let ws: Client;
let createRequest: typeof import('../../src/protocol/command.js').createRequest;
let decodeRecords: typeof import('../../src/protocol/record-decode.js').decodeRecords;
const serverRequests: Command[] = [];
/** Starts a second set of I/O threads on the given TCP port (to prove a taken port fails the start). */
let startOnPort: (port: number) => Promise<unknown>;
let notifyAll: (() => void) | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'petrel-io-threads-'));
  const { openStore } = await load<typeof import('../../src/store/store.js')>('src/store/store.js');
  const { testMinStoreConfig } = await load<typeof import('../../src/store/config.js')>('src/store/config.js');
  const { StoreProducer } = await load<typeof import('../../src/store/producer.js')>('src/store/producer.js');
  const { loadConfig } = await load<typeof import('../../src/common/config/load.js')>('src/common/config/load.js');
  const { brokerSchema, deriveRuntime } = await load<typeof import('../../src/broker/config.js')>('src/broker/config.js');
  const { BrokerConfigHolder } = await load<typeof import('../../src/broker/broker-config-holder.js')>('src/broker/broker-config-holder.js');
  const { createControlPlane } = await load<typeof import('../../src/broker/control-plane.js')>('src/broker/control-plane.js');
  const { StoreAdapter } = await load<typeof import('../../src/broker/store-adapter.js')>('src/broker/store-adapter.js');
  const { dataPlaneConfigFrom } = await load<typeof import('../../src/broker/data-plane/config.js')>('src/broker/data-plane/config.js');
  const { startIoThreads } = await load<typeof IoThreadsModule>('src/broker/io/io-threads.js');
  const { createLogger } = await load<typeof import('../../src/common/log.js')>('src/common/log.js');
  const { systemClock } = await load<typeof import('../../src/common/clock.js')>('src/common/clock.js');
  const { RemotingClient } = await load<typeof import('../../src/remoting/client.js')>('src/remoting/client.js');
  await load('src/remoting/ws-connection.js');
  ({ createRequest } = await load<typeof import('../../src/protocol/command.js')>('src/protocol/command.js'));
  ({ decodeRecords } = await load<typeof import('../../src/protocol/record-decode.js')>('src/protocol/record-decode.js'));

  const listenPort = await freePort();
  const logDir = join(dir, 'logs');
  const config = loadConfig(brokerSchema, { overrides: {
    listenPort: String(listenPort), brokerIP1: '127.0.0.1', storePathRootDir: join(dir, 'store'), logDir,
  } });
  const runtime = deriveRuntime(config);
  const logger = createLogger('broker', logDir);
  const store = await openStore(testMinStoreConfig(join(dir, 'store'), { brokerIP1: '127.0.0.1', listenPort }), logger);
  const producer = new StoreProducer(store.createProducerPort());
  const controlPlane = createControlPlane({
    brokerConfig: new BrokerConfigHolder(config, join(dir, 'broker.properties'), systemClock), runtime,
    store: new StoreAdapter(store.reader, producer, store, Date.now()), namesrv: null, clock: systemClock, logger,
  });
  await controlPlane.start();
  const wsPort = await freePort();
  const options = {
    threads: 2, host: '127.0.0.1', listenPort: 0, wsPort, wsImplementation: 'auto' as const, channelIdleMs: 120_000,
    dataPlane: dataPlaneConfigFrom(config, '127.0.0.1'), store, dispatchThreads: 1,
    topics: controlPlane.topics, groups: controlPlane.groups,
    controlHandler: (command: Command, channel: import('../../src/remoting/channel.js').Channel) => {
      if (command.code === 34) notifyAll = () => channel.send(createRequest(40, { consumerGroup: 'G' }));
      return controlPlane.handler(command, channel);
    },
    sendControl: (message: import('../../src/broker/control-messages.js').DataPlaneMessage) =>
      controlPlane.onDataPlaneMessage(message),
    logDir, logger, onFatal: (error: Error) => { throw error; },
  };
  const io = await startIoThreads(options);
  startOnPort = (port) => startIoThreads({ ...options, threads: 1, listenPort: port, wsPort: 0 });
  tcpAddress = `127.0.0.1:${io.tcpPort}`;
  wsAddress = `127.0.0.1:${io.wsPort}`;
  const handler = async (request: Command): Promise<null> => {
    serverRequests.push(request);
    return null;
  };
  tcp = new RemotingClient({ handler });
  ws = new RemotingClient({ transport: 'ws', handler });
  stopAll = async () => {
    tcp.close();
    ws.close();
    await io.stop();
    await controlPlane.stop();
    producer.close();
    await store.close();
  };
  expect(io.threadCount).toBe(io.wsImplementation === 'uws' ? 2 : 1);
}, 30_000);

afterAll(async () => {
  await stopAll?.();
  rmSync(dir, { recursive: true, force: true });
});

function send(topic: string, body: string, queueId = 0): Command {
  return createRequest(310, { a: 'pg', b: topic, c: 'TBW102', d: '4', e: String(queueId), f: '0', g: String(Date.now()),
    h: '0', i: 'TAGS\u0001T' }, Buffer.from(body));
}

function pull(topic: string, queueOffset: number, sysFlag = 4, suspendMs = 1000): Command {
  return createRequest(11, { consumerGroup: 'G', topic, queueId: '0', queueOffset: String(queueOffset), maxMsgNums: '32',
    sysFlag: String(sysFlag), commitOffset: '0', suspendTimeoutMillis: String(suspendMs), subscription: '*', subVersion: '0' });
}

describe('broker I/O threads', () => {
  it('forwards a control command, pushes the new topic, and serves sends/pulls over TCP and WebSocket', async () => {
    const created = await tcp.invoke(tcpAddress, createRequest(17, { topic: 'IoTopic', defaultTopic: 'TBW102',
      readQueueNums: '4', writeQueueNums: '4', perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0',
      order: 'false' }), 5000);
    expect(created.code).toBe(0);
    const viaTcp = await tcp.invoke(tcpAddress, send('IoTopic', 'over-tcp'), 5000);
    expect(viaTcp.code).toBe(0);
    const viaWs = await ws.invoke(wsAddress, send('IoTopic', 'over-ws'), 5000);
    expect(viaWs.code).toBe(0);
    expect(viaWs.extFields?.['queueOffset']).toBe('1');
    const pulled = await ws.invoke(wsAddress, pull('IoTopic', 0), 5000);
    expect(pulled.code).toBe(0);
    const bodies = decodeRecords(pulled.body as Buffer).map((record) => record.body.toString());
    expect(bodies).toEqual(['over-tcp', 'over-ws']);
    // Born hosts stay 8-byte IPv4 on both transports (ali-ons cannot read IPv6 hosts).
    const hosts = decodeRecords(pulled.body as Buffer).map((record) => record.bornHost);
    expect(hosts.every((host) => /^127\.0\.0\.1:\d+$/.test(host))).toBe(true);
    const again = await tcp.invoke(tcpAddress, pull('IoTopic', 0), 5000);
    expect(again.body?.equals(pulled.body as Buffer)).toBe(true);
  });

  it('wakes a pull held on one transport when a send arrives on the other', async () => {
    const held = ws.invoke(wsAddress, pull('IoTopic', 2, 6, 15_000), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    expect((await tcp.invoke(tcpAddress, send('IoTopic', 'wake-up'), 5000)).code).toBe(0);
    const reply = await held;
    expect(reply.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(decodeRecords(reply.body as Buffer).map((record) => record.body.toString())).toEqual(['wake-up']);
  });

  it('delivers a server-initiated request sent through the main thread\'s proxy channel', async () => {
    const heartbeat = createRequest(34, null, Buffer.from(JSON.stringify({ clientID: 'c1', producerDataSet: [],
      consumerDataSet: [] })));
    expect((await tcp.invoke(tcpAddress, heartbeat, 5000)).code).toBe(0);
    notifyAll?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(serverRequests.map((request) => request.code)).toContain(40);
  });

  it('keeps the offsets pulls commit, in order with a later query (held and handed over in one message)', async () => {
    // sysFlag 1 = COMMIT_OFFSET (no suspend, no subscription: the group's registered one is absent,
    // so send the subscription too: 1 | 4).
    const commit = (queueId: number, commitOffset: number): Command => createRequest(11, { consumerGroup: 'GC',
      topic: 'IoTopic', queueId: String(queueId), queueOffset: '0', maxMsgNums: '1', sysFlag: '5',
      commitOffset: String(commitOffset), suspendTimeoutMillis: '0', subscription: '*', subVersion: '0' });
    const query = (queueId: number): Command => createRequest(14, { consumerGroup: 'GC', topic: 'IoTopic',
      queueId: String(queueId) });
    for (const [queueId, offset] of [[0, 1], [1, 4], [0, 3], [2, 6], [0, 2], [1, 5]] as const) {
      expect((await tcp.invoke(tcpAddress, commit(queueId, offset), 5000)).code).not.toBe(1);
    }
    // Asked at once (well inside the buffer's flush delay): the query travels after the offsets.
    const answers = await Promise.all([0, 1, 2].map((queueId) => tcp.invoke(tcpAddress, query(queueId), 5000)));
    expect(answers.map((answer) => answer.extFields?.['offset'])).toEqual(['2', '5', '6']);
  });

  it('fails the start, not the process, when the TCP port is taken', async () => {
    const port = Number(tcpAddress.split(':')[1]);
    await expect(startOnPort(port)).rejects.toThrow(/listen|EADDRINUSE/i);
  });
});
