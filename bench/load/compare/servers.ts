/**
 * Starts and stops the systems under test as child processes on loopback, each in its own
 * temporary folder: redis-server (AOF on), nats-server (JetStream, file storage) and a Petrel
 * standalone (NameServer + Broker). Every process started here is stopped by `stop()`, and by an
 * exit hook if the harness dies first.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PetrelAdmin } from '../drivers/petrel-admin.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface ManagedServer {
  readonly name: string;
  /** host:port of the client-facing port (the NameServer for Petrel). */
  readonly address: string;
  readonly port: number;
  readonly directory: string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Lowest port the kernel hands out to outgoing connections (Linux's default when unreadable). */
function ephemeralPortMin(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 21_000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A random base port with `count` consecutive free ports (Petrel: the NameServer's and the
 * Broker's 3), below the ephemeral range: a port found free there could be taken by one of the
 * load generator's own outgoing connections before the server binds it.
 */
export async function freePortRun(count: number): Promise<number> {
  const span = ephemeralPortMin() - 20_000 - count;
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * span);
    let free = true;
    for (let i = 0; i < count && free; i++) free = await portFree(base + i);
    if (free) return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(what: string, child: ChildProcess, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited while starting (code ${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`${what} did not become ready in ${START_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

function launch(name: string, command: string, args: string[], directory: string): { child: ChildProcess; output: () => string } {
  installExitHook();
  const child = spawn(command, args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', () => live.delete(child));
  child.once('error', (error) => {
    output += `\n${name}: ${error.message}`;
  });
  return { child, output: () => output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function managed(name: string, port: number, directory: string, child: ChildProcess): ManagedServer {
  return {
    name, port, directory, address: `127.0.0.1:${port}`,
    async stop(): Promise<void> {
      await stopChild(child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function started(name: string, port: number, directory: string, launched: ReturnType<typeof launch>,
  ready: () => Promise<boolean>): Promise<ManagedServer> {
  try {
    await waitUntil(name, launched.child, ready);
  } catch (error) {
    await stopChild(launched.child);
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${launched.output()}`, { cause: error });
  }
  return managed(name, port, directory, launched.child);
}

/** redis-server with AOF; `appendfsync` is 'everysec' or 'always'. */
export async function startRedis(appendfsync: 'everysec' | 'always'): Promise<ManagedServer> {
  const directory = mkdtempSync(join(tmpdir(), `mqbench-redis-${appendfsync}-`));
  const port = await freePortRun(1);
  const launched = launch('redis-server', 'redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--appendonly', 'yes',
    '--appendfsync', appendfsync, '--save', '', '--protected-mode', 'yes', '--daemonize', 'no',
  ], directory);
  return started(`redis (${appendfsync})`, port, directory, launched, () => canConnect(port));
}

/** nats-server with JetStream file storage in a temporary folder. */
export async function startNats(): Promise<ManagedServer> {
  const directory = mkdtempSync(join(tmpdir(), 'mqbench-nats-'));
  const port = await freePortRun(1);
  const launched = launch('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', directory], directory);
  return started('nats (JetStream)', port, directory, launched, () => canConnect(port));
}

export interface PetrelServerOptions {
  repoDir: string;
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  /** Extra `--key=value` overrides for the standalone. */
  extraArgs?: string[];
}

/** Until `petrel standalone` also runs a Broker, Petrel starts as mqnamesrv + mqbroker processes. */
async function standaloneHasBroker(repoDir: string): Promise<boolean> {
  const module = await import(join(repoDir, 'dist/src/cli/standalone.js')) as { standaloneComponents?: Array<{ name: string }> };
  return (module.standaloneComponents ?? []).some((component) => component.name === 'broker');
}

function petrelReady(namesrvPort: number): () => Promise<boolean> {
  return async () => {
    if (!(await canConnect(namesrvPort))) return false;
    const admin = new PetrelAdmin(`127.0.0.1:${namesrvPort}`);
    try {
      return (await admin.masterBrokers('', 0)).length > 0;
    } catch {
      return false;
    } finally {
      admin.close();
    }
  };
}

/**
 * A Petrel NameServer + Broker on free ports, data and logs in a temporary folder: one
 * `petrel standalone` process when it includes the Broker, else `mqnamesrv` and `mqbroker`.
 * Ready once the Broker has registered with the NameServer.
 */
export async function startPetrel(options: PetrelServerOptions): Promise<ManagedServer> {
  const directory = mkdtempSync(join(tmpdir(), `mqbench-petrel-${options.flushDiskType.toLowerCase()}-`));
  // One run for both: ports picked separately could overlap (neither is bound until started).
  const namesrvPort = await freePortRun(4);
  const brokerPort = namesrvPort + 1;
  const name = `petrel (${options.flushDiskType})`;
  const cli = (file: string): string => join(options.repoDir, 'dist/src/cli', file);
  const brokerArgs = [`--storePathRootDir=${join(directory, 'store')}`, `--flushDiskType=${options.flushDiskType}`,
    ...(options.extraArgs ?? [])];
  if (await standaloneHasBroker(options.repoDir)) {
    const launched = launch('petrel', process.execPath, [cli('petrel.js'), 'standalone',
      `--namesrv.listenPort=${namesrvPort}`, `--broker.listenPort=${brokerPort}`, `--logDir=${join(directory, 'logs')}`,
      ...brokerArgs], directory);
    return started(name, namesrvPort, directory, launched, petrelReady(namesrvPort));
  }
  const namesrv = launch('mqnamesrv', process.execPath, [cli('mqnamesrv.js'), `--listenPort=${namesrvPort}`,
    `--logDir=${join(directory, 'namesrv-logs')}`], directory);
  const broker = launch('mqbroker', process.execPath, [cli('mqbroker.js'), '-n', `127.0.0.1:${namesrvPort}`,
    `--listenPort=${brokerPort}`, `--logDir=${join(directory, 'broker-logs')}`, ...brokerArgs], directory);
  try {
    await waitUntil(name, broker.child, petrelReady(namesrvPort));
  } catch (error) {
    await stopChild(broker.child);
    await stopChild(namesrv.child);
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n--- mqnamesrv ---\n${namesrv.output()}\n--- mqbroker ---\n${broker.output()}`, { cause: error });
  }
  return {
    name, port: namesrvPort, directory, address: `127.0.0.1:${namesrvPort}`,
    async stop(): Promise<void> {
      await stopChild(broker.child);
      await stopChild(namesrv.child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
