/**
 * The flusher thread: every commit-log fdatasync (group commit for SYNC_FLUSH, timed flushes for
 * ASYNC_FLUSH) and the checkpoint. Thin (STYLE §8): validate, build FlusherService, loop.
 * Started with a CommitterStart it is the committer thread instead (TailCommitter: commit-log
 * writes from the tail cache for ASYNC_FLUSH in tail mode).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assert } from '../src/common/assert.js';
import { systemClock } from '../src/common/clock.js';
import { ErrorCode } from '../src/common/errors.js';
import { createLogger, flushLogs } from '../src/common/log.js';
import { deriveStoreLayout } from '../src/store/config.js';
import { nodeFileIo } from '../src/store/file-io.js';
import { TailCommitter } from '../src/store/committer.js';
import { FlusherService } from '../src/store/flusher.js';
import { SharedState } from '../src/store/shared-state.js';
import type { CommitterStart, FlusherStart, FromFlusher } from './messages.js';

const start = workerData as FlusherStart | CommitterStart;
assert(parentPort !== null, 'flusher.worker.ts must run as a worker thread');
assert(start.kind === 'start' || start.kind === 'start-committer', 'flusher needs a start message');
const port = parentPort;
const logger = createLogger('store', start.logDir);

function post(message: FromFlusher): void {
  port.postMessage(message);
}

try {
  const layout = deriveStoreLayout(start.config);
  const shared = new SharedState(start.control, start.config.storeQueueSlotsMax);
  const service = start.kind === 'start'
    ? new FlusherService(layout, nodeFileIo, shared, logger, systemClock, start.workerPort)
    : new TailCommitter(layout, nodeFileIo, shared, start.tailCache, logger);
  post({ kind: 'ready' });
  service.run();
  post({ kind: 'stopped' });
} catch (error) {
  logger.error({ err: error }, 'flusher failed');
  post({ kind: 'failed', error: { code: ErrorCode.ERR_STORE_IO, message: String(error), retriable: false } });
}
flushLogs();
port.close();
