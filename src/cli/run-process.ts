import { isPetrelError } from '../common/errors.js';
import { flushLogs } from '../common/log.js';

/**
 * Shared process conventions of the entry points: SIGTERM and SIGINT run `stop` once and exit 0
 * (a second signal exits at once), failures print one line to stderr and exit 1.
 */
export function onShutdownSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    stop().then(
      () => exitAfterFlush(0),
      (error: unknown) => {
        console.error(`shutdown after ${signal} failed: ${describeError(error)}`);
        exitAfterFlush(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

export function exitAfterFlush(code: number): never {
  flushLogs();
  process.exit(code);
}

/** Prints a startup failure (config, listen) and exits non-zero. */
export function fail(error: unknown): never {
  console.error(describeError(error));
  exitAfterFlush(1);
}

export function describeError(error: unknown): string {
  if (isPetrelError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
