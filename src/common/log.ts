import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';

/**
 * Loggers write pino JSON lines to `<logDir>/<name>.log`, RocketMQ's file names under
 * `~/logs/rocketmqlogs/` by default. No module writes to the console except the CLIs.
 */
export type Logger = pino.Logger;

export function defaultLogDir(): string {
  return join(homedir(), 'logs', 'rocketmqlogs');
}

const destinations = new Map<string, pino.DestinationStream>();

export function createLogger(name: string, logDir: string = defaultLogDir(), level = 'info'): Logger {
  const file = join(logDir, `${name}.log`);
  let destination = destinations.get(file);
  if (destination === undefined) {
    mkdirSync(logDir, { recursive: true });
    destination = pino.destination({ dest: file, sync: false, mkdir: true });
    destinations.set(file, destination);
  }
  return pino({ name, level, base: { pid: process.pid } }, destination);
}

/** Flush every open log file; call before process exit. */
export function flushLogs(): void {
  for (const destination of destinations.values()) {
    const sonic = destination as unknown as { flushSync?: () => void };
    try {
      sonic.flushSync?.();
    } catch {
      // a destination not yet ready has nothing to flush
    }
  }
}

/** A logger that drops everything, for unit tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
