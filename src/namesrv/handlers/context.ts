import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { RemotingCommand } from '../../protocol/command.js';
import type { Channel } from '../../remoting/channel.js';
import type { NamesrvConfig } from '../config.js';
import type { KvConfigStore } from '../kv-config.js';
import type { RouteTable } from '../route-table.js';

/** What every NameServer handler may use. Handlers never see sockets. */
export interface NamesrvContext {
  readonly routes: RouteTable;
  readonly kv: KvConfigStore;
  readonly clock: Clock;
  /** namesrv.log */
  readonly logger: Logger;
  /** The effective config, including UPDATE_NAMESRV_CONFIG changes. */
  config(): NamesrvConfig;
  /** Applies `key=value` changes (validated against the schema); throws PetrelError when refused. */
  updateConfig(changes: Readonly<Record<string, string>>): void;
}

/** One request code's handler: a reply, synchronously (all NameServer state is in memory). */
export type NamesrvHandler = (request: RemotingCommand, channel: Channel, context: NamesrvContext) => RemotingCommand;
