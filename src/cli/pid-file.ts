import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Pid files let `bin/mqshutdown namesrv|broker` find the process to SIGTERM (RocketMQ's script
 * greps `ps` for the Java main class; a pid file cannot hit another user's process). Location:
 * `<logDir>/<name>.pid`, i.e. ~/logs/rocketmqlogs/namesrv.pid and broker.pid by default.
 */
export function pidFilePath(logDir: string, name: string): string {
  return join(logDir, `${name}.pid`);
}

export function writePidFile(path: string, pid: number = process.pid): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n`);
}

export function readPidFile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Removes the pid file only if it still names this process (a newer instance may own it). */
export function removePidFile(path: string, pid: number = process.pid): void {
  if (readPidFile(path) === pid) rmSync(path, { force: true });
}

/** True when a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The process's command line (Linux /proc), used to check that a pid from a stale pid file was
 * not recycled by an unrelated process. Undefined where /proc is not available.
 */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}
