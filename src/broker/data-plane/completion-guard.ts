import type { AppendCallback, AppendSubmitStatus } from '../../store/types.js';
import type { MessageAppender } from './ports.js';

/**
 * A guard around the store producer's completion delivery: while appends are in flight, one
 * interval timer calls the producer's `drain()` so a completion the producer's Atomics.waitAsync
 * missed (it re-arms on the completion counter after the worker may already have advanced it)
 * is delivered within `pollMs` instead of never. Costs nothing while nothing is in flight and
 * is a no-op for appenders without `drain`.
 */
export interface DrainableAppender extends MessageAppender {
  drain?(): number;
}

/** Poll period while appends are in flight: a stranded completion waits at most this long. */
export const COMPLETION_POLL_MS = 2;

export function guardCompletions(appender: DrainableAppender): MessageAppender {
  if (appender.drain === undefined) return appender;
  let inFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  const stop = (): void => {
    if (timer !== null && inFlight === 0) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    append(records: Uint8Array, tagsCodes: number | readonly number[], done: AppendCallback): AppendSubmitStatus {
      const status = appender.append(records, tagsCodes, (result) => {
        inFlight--;
        stop();
        done(result);
      });
      if (status !== 'queued') return status;
      inFlight++;
      if (timer === null) {
        timer = setInterval(() => appender.drain?.(), COMPLETION_POLL_MS);
        timer.unref();
      }
      return status;
    },
  };
}
