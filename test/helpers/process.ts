// Spawns Petrel's bin scripts / dist entry points as real processes for integration tests:
// waits for a ready line, collects output, and always cleans up (stop = SIGTERM then SIGKILL
// after a grace period). Also hands out free loopback ports and tmp dirs. Generic on purpose:
// every integration test that starts a NameServer, Broker or tool uses it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/helpers/ is two levels down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnOptions {
  /** Resolves when stdout or stderr matches; default: resolve at once after spawning. */
  readyPattern?: RegExp;
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string>;
  /** Give up waiting for the ready line after this long (default 20 s). */
  readyTimeoutMs?: number;
  cwd?: string;
}

export interface PetrelProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or null if killed by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL (a crash); resolves once the process is gone. */
  kill9(): Promise<void>;
}

const running = new Set<PetrelProcess>();

/**
 * Starts `command` (a path relative to the repository root such as 'bin/mqnamesrv' or
 * 'dist/src/cli/mqnamesrv.js', or an absolute path) with `args`. `.js` files run under node.
 * Rejects if the process exits or times out before printing `readyPattern`.
 */
export async function spawnPetrel(
  command: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): Promise<PetrelProcess> {
  const path = isAbsolute(command) ? command : join(REPO_ROOT, command);
  const [file, argv] = path.endsWith('.js') ? [process.execPath, [path, ...args]] : [path, [...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdoutText = '';
  let stderrText = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => { stdoutText += text; });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderrText += text; });
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
  });
  const handle: PetrelProcess = {
    child,
    stdout: () => stdoutText,
    stderr: () => stderrText,
    exited,
    stop: (graceMs = 10_000) => stopProcess(handle, graceMs),
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  if (options.readyPattern !== undefined) {
    await waitReady(handle, options.readyPattern, options.readyTimeoutMs ?? 20_000, command);
  }
  return handle;
}

async function waitReady(handle: PetrelProcess, pattern: RegExp, timeoutMs: number, command: string): Promise<void> {
  const ready = (): boolean => pattern.test(handle.stdout()) || pattern.test(handle.stderr());
  const deadlineMs = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void handle.exited.then((code) => { exitCode = code; });
  while (!ready()) {
    if (exitCode !== undefined) {
      throw new Error(`${command} exited (${exitCode}) before ready:\n${handle.stdout()}\n${handle.stderr()}`);
    }
    if (Date.now() > deadlineMs) {
      await handle.kill9();
      throw new Error(`${command} not ready after ${timeoutMs} ms:\n${handle.stdout()}\n${handle.stderr()}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}

async function stopProcess(handle: PetrelProcess, graceMs: number): Promise<number | null> {
  const child = handle.child;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await handle.exited;
  clearTimeout(timer);
  return code;
}

/** Kills every process this helper started that is still running (use in afterAll/afterEach). */
export async function stopAllPetrel(): Promise<void> {
  await Promise.all([...running].map((handle) => handle.kill9()));
}

/** A port that was free a moment ago on 127.0.0.1 (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A fresh tmp dir and its remover. */
export function tmpDir(prefix = 'petrel-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Polls `condition` every 20 ms until true; throws naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}
