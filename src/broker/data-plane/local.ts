import type { Logger } from '../../common/log.js';
import type { DataPlaneConfig } from './config.js';
import { type ControlSender, createControlPort } from './control-port.js';
import { type DataPlane, createDataPlane } from './index.js';
import type { MessageAppender, MessageReader } from './ports.js';
import { type GroupsSnapshotLike, SnapshotTables, type TopicsSnapshotLike } from './snapshot-tables.js';
import { DirectReader, type StoreReaderLike } from './store-reader-port.js';

/**
 * The data plane on the main thread, beside the control plane (the single-thread broker path,
 * and the shape tests use): tables follow the managers' change events directly, the control
 * port calls `onDataPlaneMessage` directly, and reads go to the store reader on this thread
 * unless a pooled reader is given.
 */
export interface SnapshotSource<S> {
  snapshot(): S;
  onChange(listener: (snapshot: S) => void): () => void;
}

export interface LocalDataPlaneOptions {
  readonly config: DataPlaneConfig;
  readonly topics: SnapshotSource<TopicsSnapshotLike>;
  readonly groups: SnapshotSource<GroupsSnapshotLike>;
  readonly appender: MessageAppender;
  /** The store's reader on this thread, or an already-built MessageReader (dispatch pool). */
  readonly reader: StoreReaderLike | MessageReader;
  readonly sendControl: ControlSender;
  readonly logger: Logger;
}

export interface LocalDataPlane extends DataPlane {
  readonly tables: SnapshotTables;
}

export function createLocalDataPlane(options: LocalDataPlaneOptions): LocalDataPlane {
  const tables = new SnapshotTables(options.topics.snapshot(), options.groups.snapshot());
  const unsubscribeTopics = options.topics.onChange((snapshot) => tables.updateTopics(snapshot));
  const unsubscribeGroups = options.groups.onChange((snapshot) => tables.updateGroups(snapshot));
  const control = createControlPort(options.sendControl, tables,
    (error) => options.logger.warn({ err: error }, 'control-plane message failed'));
  const reader = 'onMaxOffsetChange' in options.reader ? options.reader : new DirectReader(options.reader);
  const plane = createDataPlane({
    config: options.config, tables, appender: options.appender, reader, control,
    logger: options.logger,
  });
  return {
    ...plane,
    tables,
    stop() {
      unsubscribeTopics();
      unsubscribeGroups();
      plane.stop();
    },
  };
}
