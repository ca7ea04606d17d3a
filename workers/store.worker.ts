/**
 * The store worker thread: the only writer of the commit log, consume queues and index files.
 * Thin (STYLE §8): validate the start message, build the StoreService, recover, loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assert } from '../src/common/assert.js';
import { systemClock } from '../src/common/clock.js';
import { ErrorCode, PetrelError } from '../src/common/errors.js';
import { createLogger, flushLogs } from '../src/common/log.js';
import { deriveStoreLayout } from '../src/store/config.js';
import { nodeFileIo } from '../src/store/file-io.js';
import { SharedState } from '../src/store/shared-state.js';
import { StoreService } from '../src/store/store-service.js';
import { TailCache } from '../src/store/tail-cache.js';
import type { FromStoreWorker, StoreWorkerStart } from './messages.js';

const start = workerData as StoreWorkerStart;
assert(parentPort !== null, 'store.worker.ts must run as a worker thread');
assert(start.kind === 'start', 'store worker needs a start message');
const port = parentPort;
const logger = createLogger('store', start.logDir);

function post(message: FromStoreWorker): void {
  port.postMessage(message);
}

try {
  const layout = deriveStoreLayout(start.config);
  const shared = new SharedState(start.control, start.config.storeQueueSlotsMax);
  const tail = new TailCache(start.tailCache, shared);
  const indexSlots = start.indexSlots === null ? null : new Int32Array(start.indexSlots);
  const service = new StoreService(layout, nodeFileIo, shared, tail, indexSlots, logger, systemClock, port, start.flusherPort);
  const report = service.recover();
  post({ kind: 'ready', report });
  service.run();
} catch (error) {
  logger.error({ err: error }, 'store worker failed');
  flushLogs();
  const wire = error instanceof PetrelError
    ? error.toWire()
    : { code: ErrorCode.ERR_STORE_IO, message: String((error as Error).stack ?? error), retriable: false };
  post({ kind: 'failed', error: wire });
}
flushLogs();
port.close();
