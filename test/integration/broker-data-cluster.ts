import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequest } from '../../src/protocol/command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { RemotingClient } from '../../src/remoting/client.js';

/**
 * A real NameServer + Broker pair on loopback for the data-plane integration tests
 * (bin/mqnamesrv and bin/mqbroker as child processes, free ports, a tmp store and logDir). The
 * broker can be stopped gracefully, SIGKILLed and restarted on the same store and ports.
 */
const REPO = resolve(import.meta.dirname, '..', '..');
const READY_TIMEOUT_MS = 20_000;

export interface ClusterOptions {
  /** Extra broker `--key=value` arguments (e.g. small rings for the overload test). */
  readonly brokerArgs?: readonly string[];
}

export interface Cluster {
  readonly dir: string;
  readonly namesrvAddress: string;
  readonly brokerAddress: string;
  readonly brokerPort: number;
  readonly wsPort: number;
  brokerPid(): number;
  startBroker(): Promise<void>;
  kill9Broker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'petrel-broker-data-'));
  const namesrvPort = await freePort();
  const brokerPort = await freePortRun(3);
  const logDir = join(dir, 'logs');
  const namesrv = await launch('mqnamesrv', [
    `--listenPort=${namesrvPort}`, `--logDir=${logDir}`, `--kvConfigPath=${join(dir, 'kv.json')}`,
  ], /boot success/);
  const brokerArgs = [
    '-n', `127.0.0.1:${namesrvPort}`, `--listenPort=${brokerPort}`, '--brokerIP1=127.0.0.1',
    `--storePathRootDir=${join(dir, 'store')}`, `--logDir=${logDir}`, ...(options.brokerArgs ?? []),
  ];
  let broker: ChildProcess | null = null;
  const cluster: Cluster = {
    dir,
    namesrvAddress: `127.0.0.1:${namesrvPort}`,
    brokerAddress: `127.0.0.1:${brokerPort}`,
    brokerPort,
    wsPort: brokerPort + 2,
    brokerPid: () => broker?.pid ?? -1,
    async startBroker() {
      broker = await launch('mqbroker', brokerArgs, /boot success/);
    },
    async kill9Broker() {
      if (broker !== null) await killAndWait(broker, 'SIGKILL');
      broker = null;
    },
    async stop() {
      if (broker !== null) await killAndWait(broker, 'SIGTERM');
      broker = null;
      await killAndWait(namesrv, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.startBroker();
  } catch (error) {
    await killAndWait(namesrv, 'SIGKILL');
    throw error;
  }
  return cluster;
}

function launch(script: string, args: readonly string[], ready: RegExp): Promise<ChildProcess> {
  const bin = join(REPO, 'bin', script);
  const child = existsSync(bin)
    ? spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [join(REPO, 'dist', 'src', 'cli', `${script}.js`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready in ${READY_TIMEOUT_MS} ms:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolvePromise(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
}

function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolvePromise();
    });
    child.kill(signal);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolvePromise(true)));
  });
}

/** A port p with p, p+1 and p+2 free (the broker's listen, HA and WebSocket ports). */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let free = true;
    for (let i = 0; i < count && free; i++) free = await portIsFree(base + i);
    if (free) return base;
  }
  throw new Error('no run of free ports found');
}

/** Creates a topic on the broker (UPDATE_AND_CREATE_TOPIC) and waits until the NameServer routes it. */
export async function createTopic(cluster: Cluster, client: RemotingClient, topic: string, queueNums = 4): Promise<void> {
  const created = await client.invoke(cluster.brokerAddress, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic, defaultTopic: 'TBW102', readQueueNums: String(queueNums), writeQueueNums: String(queueNums), perm: '6',
    topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false',
  }), 5000);
  if (created.code !== ResponseCode.SUCCESS) throw new Error(`create topic ${topic}: ${created.code} ${created.remark}`);
  await waitForRoute(cluster, client, topic);
}

export async function waitForRoute(cluster: Cluster, client: RemotingClient, topic: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const route = await client.invoke(cluster.namesrvAddress,
      createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000);
    if (route.code === ResponseCode.SUCCESS) return;
    if (Date.now() > deadline) throw new Error(`no route for ${topic}: ${route.code} ${route.remark}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
  return true;
}
