import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { createRequest } from '../../protocol/command.js';
import type { EndTransactionRequestHeader } from '../../protocol/headers/message.js';
import { TransactionResolution } from '../../protocol/headers/message.js';
import { MessageConst, SystemName } from '../../protocol/message-const.js';
import { RequestCode } from '../../protocol/request-code.js';
import { sendOneway } from '../client-notify.js';
import type { ConsumerOffsetManager } from '../consumer-offset-manager.js';
import { PERM_READ_WRITE } from '../perm.js';
import type { ProducerManager } from '../producer-manager.js';
import type { StoreFacade, StoredMessage } from '../store-facade.js';
import { appendRouted } from '../timer/timed-message.js';
import type { TopicConfigManager } from '../topic-config-manager.js';
import {
  HALF_QUEUE_ID, buildCheckRequest, buildCommittedMessage, buildDiscardedCopy, buildOpMessage, buildRecheckCopy,
  checkTimesOf, opHalfOffsetOf,
} from './half-message.js';

/** Half and op records read per store call. */
export const TRANSACTION_READ_BATCH_MAX = 64;
/** One check round never sends more checks than this (the rest wait for the next round). */
export const TRANSACTION_CHECKS_PER_ROUND_MAX = 10_000;

export interface TransactionSettings {
  transactionTimeOut: number;
  transactionCheckMax: number;
  transactionCheckInterval: number;
}

export interface TransactionServiceOptions {
  store: StoreFacade;
  offsets: ConsumerOffsetManager;
  producers: ProducerManager;
  topics: TopicConfigManager;
  /** Read each time, so UPDATE_BROKER_CONFIG applies at the next round. */
  settings: () => TransactionSettings;
  delayLevelsMs: readonly number[];
  /** The broker's ip:port, written as born host of op records. */
  brokerAddress: string;
  clock: Clock;
  logger: Logger;
}

export type EndTransactionOutcome = { readonly ok: true } | { readonly ok: false; readonly remark: string };

export interface CheckRoundResult {
  checked: number;
  discarded: number;
  /** Progress after the round: next half / op queue offsets to look at. */
  halfOffset: number;
  opOffset: number;
}

export type HalfDecision = { kind: 'wait' } | { kind: 'discard' } | { kind: 'check'; checkTimes: number };

/**
 * Whether a pending half message is checked now (reference §5.4): discarded once checked
 * `transactionCheckMax` times; left alone while younger (by born time) than
 * `transactionTimeOut` or its own CHECK_IMMUNITY_TIME_IN_SECONDS (never shorter than the
 * timeout); a born time in the future (clock skew) is checked at once, as Java does.
 */
export function decideHalf(half: StoredMessage, nowMs: number, settings: TransactionSettings): HalfDecision {
  const checkTimes = checkTimesOf(half);
  if (checkTimes >= settings.transactionCheckMax) return { kind: 'discard' };
  const ageMs = nowMs - half.bornTimestampMs;
  if (ageMs >= 0 && ageMs < immunityMsOf(half, settings.transactionTimeOut)) return { kind: 'wait' };
  return { kind: 'check', checkTimes: checkTimes + 1 };
}

function immunityMsOf(half: StoredMessage, timeoutMs: number): number {
  const seconds = Number(half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS]);
  return Number.isFinite(seconds) && seconds * 1000 > timeoutMs ? seconds * 1000 : timeoutMs;
}

interface OpEntry {
  opQueueOffset: number;
  halfOffset: number | null;
}

/**
 * Transactional messages on the broker (reference §5.4). `endTransaction` serves
 * END_TRANSACTION: commit re-stores the half message in its real topic/queue (COMMIT type,
 * preparedTransactionOffset = the half record's commit-log offset) and writes an op record;
 * rollback writes only the op record. The check round (every `transactionCheckInterval`)
 * scans the half queue from the CID_RMQ_SYS_TRANS offset, skips half offsets that have op
 * records, and for each old enough one re-appends it with TRANSACTION_CHECK_TIMES + 1 and sends
 * CHECK_TRANSACTION_STATE (oneway) for that copy to a live producer of its PGROUP, or discards
 * it to TRANS_CHECK_MAX_TIME_TOPIC after `transactionCheckMax` checks. All state is in the half
 * and op topics and the system group's offsets, so it survives a restart. Main thread only.
 */
export class TransactionService {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  /** Half offsets resolved since the last round (also read back from op records each round). */
  private readonly resolved = new Set<number>();

  constructor(private readonly options: TransactionServiceOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  async endTransaction(header: EndTransactionRequestHeader): Promise<EndTransactionOutcome> {
    const resolution = header.commitOrRollback;
    if (resolution !== TransactionResolution.COMMIT && resolution !== TransactionResolution.ROLLBACK) return { ok: true };
    const half = await this.options.store.readMessage(header.commitLogOffset);
    const problem = validateHalf(half, header);
    if (problem !== null || half === null) return { ok: false, remark: problem ?? 'Find prepared transaction message failed' };
    if (this.resolved.has(half.queueOffset)) return { ok: true };
    if (resolution === TransactionResolution.COMMIT) {
      const committed = buildCommittedMessage(half);
      if (committed === null) return { ok: false, remark: 'half message without REAL_TOPIC / REAL_QID' };
      const { store, delayLevelsMs, clock } = this.options;
      const outcome = await appendRouted(store, committed, delayLevelsMs, clock.nowMs());
      if (outcome.status !== 'ok') return { ok: false, remark: `store of the committed message failed: ${outcome.status}` };
    }
    return this.writeOp(half.queueOffset);
  }

  /** One check round; the unit tests' entry point. Concurrent calls return an empty round. */
  async runOnce(): Promise<CheckRoundResult> {
    const halfOffset = this.progress(SystemName.TRANS_HALF_TOPIC);
    const opOffset = this.progress(SystemName.TRANS_OP_HALF_TOPIC);
    if (this.running) return { checked: 0, discarded: 0, halfOffset, opOffset };
    this.running = true;
    try {
      return await this.checkRound(halfOffset, opOffset);
    } finally {
      this.running = false;
    }
  }

  private async checkRound(fromHalfOffset: number, fromOpOffset: number): Promise<CheckRoundResult> {
    const { store } = this.options;
    const halfMax = store.maxOffset(SystemName.TRANS_HALF_TOPIC, HALF_QUEUE_ID);
    const result: CheckRoundResult = { checked: 0, discarded: 0, halfOffset: fromHalfOffset, opOffset: fromOpOffset };
    if (fromHalfOffset >= halfMax) return result;
    this.options.topics.createTopicIfAbsent(SystemName.TRANS_HALF_TOPIC, 1, PERM_READ_WRITE);
    const ops = await this.readOps(fromOpOffset);
    const done = new Set<number>();
    for (const op of ops) if (op.halfOffset !== null) done.add(op.halfOffset);
    result.halfOffset = await this.scanHalf(fromHalfOffset, halfMax, done, result);
    result.opOffset = advanceOpOffset(fromOpOffset, ops, result.halfOffset);
    this.commitProgress(result.halfOffset, result.opOffset);
    return result;
  }

  /** Walks the half queue up to `halfMax` (copies re-appended by this round lie beyond it). */
  private async scanHalf(fromHalfOffset: number, halfMax: number, done: ReadonlySet<number>, result: CheckRoundResult): Promise<number> {
    const settings = this.options.settings();
    const nowMs = this.options.clock.nowMs();
    let next = fromHalfOffset;
    while (next < halfMax && result.checked < TRANSACTION_CHECKS_PER_ROUND_MAX) {
      const batch = await this.readAll(SystemName.TRANS_HALF_TOPIC, next, Math.min(TRANSACTION_READ_BATCH_MAX, halfMax - next));
      if (batch.length === 0) return next;
      for (const half of batch) {
        if (half.queueOffset >= halfMax) return next;
        // `resolved` is read live: an END_TRANSACTION may land while this round awaits the store.
        if (!done.has(half.queueOffset) && !this.resolved.has(half.queueOffset)) {
          const decision = decideHalf(half, nowMs, settings);
          if (decision.kind === 'wait') return half.queueOffset;
          const handled = decision.kind === 'discard' ? await this.discard(half) : await this.check(half, decision.checkTimes);
          if (!handled) return half.queueOffset;
          if (decision.kind === 'discard') result.discarded++;
          else result.checked++;
        }
        next = half.queueOffset + 1;
      }
    }
    return next;
  }

  private async check(half: StoredMessage, checkTimes: number): Promise<boolean> {
    const copy = buildRecheckCopy(half, checkTimes);
    const outcome = await this.options.store.append(copy);
    if (outcome.status !== 'ok') {
      this.options.logger.warn({ status: outcome.status }, 'transaction check: re-append of the half message failed');
      return false;
    }
    const group = half.properties[MessageConst.PGROUP] ?? '';
    const channel = this.options.producers.nextChannel(group);
    if (channel === undefined) {
      this.options.logger.warn({ group, checkTimes }, 'transaction check: no live producer channel of the group');
      return true;
    }
    const { extFields, body } = buildCheckRequest({ ...half, properties: copy.properties }, outcome);
    sendOneway(channel, createRequest(RequestCode.CHECK_TRANSACTION_STATE, extFields, body));
    return true;
  }

  private async discard(half: StoredMessage): Promise<boolean> {
    this.options.topics.createTopicIfAbsent(SystemName.TRANS_CHECK_MAX_TIME_TOPIC, 1, PERM_READ_WRITE);
    const outcome = await this.options.store.append(buildDiscardedCopy(half));
    if (outcome.status !== 'ok') return false;
    this.options.logger.warn({
      group: half.properties[MessageConst.PGROUP], msgId: half.properties[MessageConst.UNIQ_KEY],
      halfQueueOffset: half.queueOffset, checkTimes: checkTimesOf(half),
    }, 'half message discarded after transactionCheckMax checks; kept in TRANS_CHECK_MAX_TIME_TOPIC');
    return true;
  }

  private async writeOp(halfQueueOffset: number): Promise<EndTransactionOutcome> {
    const { store, topics, clock, brokerAddress } = this.options;
    topics.createTopicIfAbsent(SystemName.TRANS_OP_HALF_TOPIC, 1, PERM_READ_WRITE);
    const outcome = await store.append(buildOpMessage(halfQueueOffset, clock.nowMs(), brokerAddress));
    if (outcome.status !== 'ok') return { ok: false, remark: `store of the op record failed: ${outcome.status}` };
    this.resolved.add(halfQueueOffset);
    return { ok: true };
  }

  private async readOps(fromOpOffset: number): Promise<OpEntry[]> {
    const opMax = this.options.store.maxOffset(SystemName.TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID);
    const ops: OpEntry[] = [];
    let next = fromOpOffset;
    while (next < opMax) {
      const batch = await this.readAll(SystemName.TRANS_OP_HALF_TOPIC, next, TRANSACTION_READ_BATCH_MAX);
      const last = batch.at(-1);
      if (last === undefined) break;
      for (const op of batch) ops.push({ opQueueOffset: op.queueOffset, halfOffset: opHalfOffsetOf(op) });
      next = last.queueOffset + 1;
    }
    return ops;
  }

  private readAll(topic: string, fromQueueOffset: number, countMax: number): Promise<StoredMessage[]> {
    return this.options.store.readDuePrefix(topic, HALF_QUEUE_ID, fromQueueOffset, countMax, () => true);
  }

  /** The system group's committed offset on a transaction topic, never below the queue's min. */
  private progress(topic: string): number {
    const committed = this.options.offsets.queryOffset(SystemName.CID_RMQ_SYS_TRANS, topic, HALF_QUEUE_ID);
    return Math.max(committed, this.options.store.minOffset(topic, HALF_QUEUE_ID));
  }

  private commitProgress(halfOffset: number, opOffset: number): void {
    const { offsets } = this.options;
    offsets.commitOffset(SystemName.CID_RMQ_SYS_TRANS, SystemName.TRANS_HALF_TOPIC, HALF_QUEUE_ID, halfOffset);
    offsets.commitOffset(SystemName.CID_RMQ_SYS_TRANS, SystemName.TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID, opOffset);
    for (const offset of this.resolved) if (offset < halfOffset) this.resolved.delete(offset);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce().then(
        (round) => {
          if (round.checked + round.discarded > 0) this.options.logger.info(round, 'transaction check round');
        },
        (error: unknown) => this.options.logger.warn({ err: error }, 'transaction check round failed'),
      ).finally(() => this.schedule());
    }, this.options.settings().transactionCheckInterval);
    this.timer.unref();
  }
}

/** Java's checkPrepareMessage: the half record must match the producer's END_TRANSACTION. */
function validateHalf(half: StoredMessage | null, header: EndTransactionRequestHeader): string | null {
  if (half === null || half.topic !== SystemName.TRANS_HALF_TOPIC) return 'Find prepared transaction message failed';
  if (half.properties[MessageConst.PGROUP] !== header.producerGroup) return 'The producer group wrong';
  if (half.queueOffset !== header.tranStateTableOffset) return 'The transaction state table offset wrong';
  if (half.physicalOffset !== header.commitLogOffset) return 'The commit log offset wrong';
  return null;
}

/**
 * The op queue offset after a round: past the leading op records whose half offsets lie below
 * the new half offset (no longer needed); the first one at or above it must be read again.
 */
function advanceOpOffset(fromOpOffset: number, ops: readonly OpEntry[], halfOffset: number): number {
  let next = fromOpOffset;
  for (const op of ops) {
    if (op.halfOffset !== null && op.halfOffset >= halfOffset) break;
    next = op.opQueueOffset + 1;
  }
  return next;
}
