import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { DataPlaneConfig } from './config.js';
import type { ControlPort, MessageAppender, MessageReader, TopicTables } from './ports.js';
import type { PullHoldService } from './pull-hold.js';
import type { SendQueue } from './send-queue.js';

/** Everything a data-plane handler may use; built once per thread by `createDataPlane`. */
export interface DataPlaneContext {
  readonly config: DataPlaneConfig;
  readonly tables: TopicTables;
  readonly appender: MessageAppender;
  /** Sends go through this queue to `appender` (waits while the store is busy). */
  readonly sends: SendQueue;
  readonly reader: MessageReader;
  readonly control: ControlPort;
  readonly holds: PullHoldService;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The broker address as remarks show it. */
export function brokerAddressOf(config: DataPlaneConfig): string {
  return `${config.storeHostIp}:${config.storeHostPort}`;
}
