import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { RemotingCommand } from '../../protocol/command.js';
import { createResponse } from '../../protocol/command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { BrokerConfigHolder } from '../broker-config-holder.js';
import type { BrokerRuntime } from '../config.js';
import type { ConsumerManager } from '../consumer-manager.js';
import type { ConsumerOffsetManager } from '../consumer-offset-manager.js';
import type { ProducerManager } from '../producer-manager.js';
import type { RebalanceLockManager } from '../rebalance-lock-manager.js';
import type { DelayOffsetManager } from '../schedule/delay-offset-manager.js';
import type { StoreFacade } from '../store-facade.js';
import type { SubscriptionGroupManager } from '../subscription-group-manager.js';
import type { TopicConfigManager } from '../topic-config-manager.js';
import type { TransactionService } from '../transaction/transaction-service.js';

/** Everything a control-plane handler may use; built once by `createControlPlane`. */
export interface ControlContext {
  readonly brokerConfig: BrokerConfigHolder;
  readonly runtime: BrokerRuntime;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly delayOffsets: DelayOffsetManager;
  readonly delayLevelsMs: readonly number[];
  readonly store: StoreFacade;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Orderly consumers' queue locks (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ). */
  readonly locks: RebalanceLockManager;
  /** Half messages: END_TRANSACTION and the check-back rounds. */
  readonly transactions: TransactionService;
  /** Re-register with every NameServer now (topic or permission change). */
  registerNow(): void;
  /** Broker start time, for GET_BROKER_RUNTIME_INFO. */
  readonly bootTimestampMs: number;
}

export type ControlHandler = (
  request: RemotingCommand,
  channel: Channel,
  context: ControlContext,
) => RemotingCommand | Promise<RemotingCommand>;

export function success(
  request: RemotingCommand,
  extFields: Record<string, string> | null = null,
  body: Buffer | null = null,
): RemotingCommand {
  return createResponse(request, ResponseCode.SUCCESS, null, extFields, body);
}

export function failure(request: RemotingCommand, code: number, remark: string): RemotingCommand {
  return createResponse(request, code, remark);
}

export function jsonBody(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Java's answer to admin writes on a slave (reference §2.6). */
export const SLAVE_WRITE_REMARK = "Can't modify topic or subscription group from slave broker";

export function isSlave(context: ControlContext): boolean {
  return context.brokerConfig.current().brokerRole === 'SLAVE';
}
