import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { createResponse } from '../protocol/command.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Channel, RequestHandler } from '../remoting/channel.js';
import type { BrokerConfigHolder } from './broker-config-holder.js';
import { notifyConsumerIdsChanged } from './client-notify.js';
import type { BrokerRuntime } from './config.js';
import type { DataPlaneMessage, DataPlaneReply } from './control-messages.js';
import type { ConsumerGroupEvent } from './consumer-manager.js';
import { ConsumerManager } from './consumer-manager.js';
import { ConsumerOffsetManager } from './consumer-offset-manager.js';
import type { ControlContext } from './handlers/context.js';
import { CONTROL_HANDLERS } from './handlers/index.js';
import type { NamesrvInvoker } from './namesrv-registrar.js';
import { NamesrvRegistrar } from './namesrv-registrar.js';
import { ProducerManager } from './producer-manager.js';
import { RebalanceLockManager } from './rebalance-lock-manager.js';
import { parseDelayLevels } from './schedule/delay-levels.js';
import { DelayOffsetManager } from './schedule/delay-offset-manager.js';
import { ScheduleService } from './schedule/schedule-service.js';
import type { StoreFacade } from './store-facade.js';
import { SubscriptionGroupManager } from './subscription-group-manager.js';
import { TimerCheckpoint } from './timer/timer-checkpoint.js';
import { TimerService } from './timer/timer-service.js';
import { TopicConfigManager } from './topic-config-manager.js';
import { TransactionService } from './transaction/transaction-service.js';

export interface ControlPlaneDeps {
  brokerConfig: BrokerConfigHolder;
  runtime: BrokerRuntime;
  store: StoreFacade;
  /** H2's RemotingClient (or a fake); null runs without NameServer registration. */
  namesrv: NamesrvInvoker | null;
  clock: Clock;
  logger: Logger;
}

export interface ControlPlane {
  readonly handler: RequestHandler;
  readonly context: ControlContext;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly delayOffsets: DelayOffsetManager;
  readonly schedule: ScheduleService;
  readonly locks: RebalanceLockManager;
  readonly transactions: TransactionService;
  readonly timer: TimerService;
  readonly timerCheckpoint: TimerCheckpoint;
  readonly registrar: NamesrvRegistrar | null;
  onDataPlaneMessage(message: DataPlaneMessage): DataPlaneReply;
  /** Registers with the NameServers and starts the timers (flushes, idle scan, scheduler). */
  start(): Promise<void>;
  /** Stops the timers, flushes offsets and unregisters. Idempotent. */
  stop(): Promise<void>;
}

/** RocketMQ's ClientHousekeepingService scans for idle clients every 10 s. */
export const CLIENT_SCAN_INTERVAL_MS = 10_000;

/**
 * Builds the control plane (README "Contract"): loads the config files, wires the managers to
 * each other (topic changes re-register, consumer set changes notify the group), and answers
 * control commands by request code. Unknown codes get REQUEST_CODE_NOT_SUPPORTED.
 */
export function createControlPlane(deps: ControlPlaneDeps): ControlPlane {
  const config = deps.brokerConfig.current();
  const levelsMs = parseDelayLevels(config.messageDelayLevel);
  const configDir = deps.runtime.configDir;
  const topics = new TopicConfigManager({ ...config, scheduleQueueNums: levelsMs.length }, configDir, deps.clock);
  const groups = new SubscriptionGroupManager(config.autoCreateSubscriptionGroup, configDir, deps.clock);
  const offsets = new ConsumerOffsetManager(configDir);
  const delayOffsets = new DelayOffsetManager(configDir);
  const timerCheckpoint = new TimerCheckpoint(configDir);
  for (const manager of [topics, groups, offsets, delayOffsets, timerCheckpoint]) manager.load();
  const consumers = new ConsumerManager(deps.clock, (event) => onConsumerEvent(event, deps, groups));
  const producers = new ProducerManager(deps.clock);
  const registrar = deps.namesrv === null ? null : new NamesrvRegistrar({
    invoker: deps.namesrv, runtime: deps.runtime, config: () => deps.brokerConfig.current(),
    topicWrapper: () => topics.serializeWrapper(), logger: deps.logger,
  });
  const schedule = new ScheduleService({
    store: deps.store, delayOffsets, levelsMs, clock: deps.clock, logger: deps.logger,
  });
  const locks = new RebalanceLockManager(deps.clock, () => deps.brokerConfig.current().rebalanceLockMaxLiveTime);
  const transactions = new TransactionService({
    store: deps.store, offsets, producers, topics, settings: () => deps.brokerConfig.current(),
    delayLevelsMs: levelsMs, brokerAddress: deps.runtime.brokerAddress, clock: deps.clock, logger: deps.logger,
  });
  const timer = new TimerService({ store: deps.store, checkpoint: timerCheckpoint, clock: deps.clock, logger: deps.logger });
  const context: ControlContext = {
    brokerConfig: deps.brokerConfig, runtime: deps.runtime, topics, groups, offsets, consumers, producers,
    delayOffsets, delayLevelsMs: levelsMs, store: deps.store, clock: deps.clock, logger: deps.logger, locks, transactions,
    registerNow: () => registrar?.registerNow(), bootTimestampMs: deps.clock.nowMs(),
  };
  topics.onChange(() => context.registerNow());
  deps.brokerConfig.onChange((keys) => {
    if (keys.includes('brokerPermission')) context.registerNow();
  });
  const timers = new Timers(deps.logger);
  let stopped = false;
  return {
    handler: (request, channel) => dispatch(request, channel, context),
    context, topics, groups, offsets, consumers, producers, delayOffsets, schedule, registrar,
    locks, transactions, timer, timerCheckpoint,
    onDataPlaneMessage: (message) => answerDataPlane(message, context),
    async start() {
      topics.persist();
      groups.persist();
      await registrar?.start();
      schedule.start();
      timer.start();
      transactions.start();
      timers.every(config.flushConsumerOffsetInterval, () => offsets.persist());
      timers.every(config.flushDelayOffsetInterval, () => {
        delayOffsets.persist();
        timerCheckpoint.persist();
      });
      timers.every(CLIENT_SCAN_INTERVAL_MS, () => scanIdleClients(context));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      timers.clear();
      schedule.stop();
      timer.stop();
      transactions.stop();
      offsets.persist(true);
      delayOffsets.persist(true);
      timerCheckpoint.persist(true);
      await registrar?.stop();
    },
  };
}

function dispatch(request: RemotingCommand, channel: Channel, context: ControlContext): ReturnType<RequestHandler> {
  const handler = CONTROL_HANDLERS.get(request.code);
  if (handler === undefined) {
    return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
  }
  return handler(request, channel, context);
}

function answerDataPlane(message: DataPlaneMessage, context: ControlContext): DataPlaneReply {
  switch (message.kind) {
    case 'create-topic-from-default':
      return {
        kind: 'topic',
        topic: context.topics.createTopicFromDefault(message.topic, message.defaultTopic, message.queueNums, message.topicSysFlag),
      };
    case 'create-system-topic':
      return { kind: 'topic', topic: context.topics.createTopicIfAbsent(message.topic, message.queueNums, message.perm) };
    case 'commit-offset':
      context.offsets.commitOffset(message.group, message.topic, message.queueId, message.queueOffset);
      return { kind: 'done' };
    case 'find-subscription':
      return { kind: 'subscription', subscription: context.consumers.findSubscription(message.group, message.topic) ?? null };
  }
}

/** NOTIFY_CONSUMER_IDS_CHANGED when both the broker and the group allow it (reference §2.4). */
function onConsumerEvent(event: ConsumerGroupEvent, deps: ControlPlaneDeps, groups: SubscriptionGroupManager): void {
  if (event.kind !== 'members-changed') return;
  if (!deps.brokerConfig.current().notifyConsumerIdsChangedEnable) return;
  if (groups.get(event.group)?.notifyConsumerIdsChangedEnable === false) return;
  notifyConsumerIdsChanged(event.channels, event.group);
}

function scanIdleClients(context: ControlContext): void {
  const idleMs = context.brokerConfig.current().serverChannelMaxIdleTimeSeconds * 1000;
  const dropped = [...context.consumers.scanIdle(idleMs), ...context.producers.scanIdle(idleMs)];
  for (const channel of dropped) {
    context.logger.info({ remote: channel.remoteAddress }, 'client channel idle; removed and closed');
    channel.close('no heartbeat');
  }
}

/** Unref'd intervals owned by the control plane; a failing tick (e.g. a full disk) is logged and retried next time. */
class Timers {
  private readonly handles: NodeJS.Timeout[] = [];

  constructor(private readonly logger: Logger) {}

  every(intervalMs: number, tick: () => void): void {
    const handle = setInterval(() => {
      try {
        tick();
      } catch (error) {
        this.logger.error({ err: error }, 'control-plane timer failed');
      }
    }, intervalMs);
    handle.unref();
    this.handles.push(handle);
  }

  clear(): void {
    for (const handle of this.handles) clearInterval(handle);
    this.handles.length = 0;
  }
}
