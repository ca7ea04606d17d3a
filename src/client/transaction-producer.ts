import { FLAG_ONEWAY, type RemotingCommand } from '../protocol/command.js';
import { decodeCheckTransactionStateRequestHeader } from '../protocol/headers/message.js';
import { decodeOffsetMsgId } from '../protocol/message-id.js';
import { decodeRecords } from '../protocol/record-decode.js';
import type { Channel } from '../remoting/channel.js';
import { endTransactionCommand, type EndTransactionHeader, TransactionType } from './client-api-msgtypes.js';
import { clientState } from './errors.js';
import { type Message, MessageProperty, type MessageExt } from './message.js';
import { toMessageExt } from './message-decode.js';
import { Producer, type ProducerOptions } from './producer.js';
import { SendResult, SendStatus } from './send-result.js';
import { checkMessage } from './validators.js';

/**
 * Transactional messages (Java's TransactionMQProducer, reference §5.4). `sendMessageInTransaction`
 * sends a half message (TRAN_MSG=true, PGROUP, sysFlag PREPARED; DELAY removed), runs the
 * listener's `executeLocalTransaction` and ends the transaction with END_TRANSACTION (oneway,
 * commit 8 / rollback 12 / unknown 0) to the broker that stored the half. A transaction left
 * unknown (or whose end was lost) is checked back by the broker: CHECK_TRANSACTION_STATE arrives on
 * a connection of any live producer of the group (this one heartbeats every broker from start),
 * `checkLocalTransaction` is asked and the answer goes back as END_TRANSACTION with
 * fromTransactionCheck=true on that connection. Checks run one at a time, at most
 * `checkRequestHoldMax` waiting.
 */
export const LocalTransactionState = {
  COMMIT_MESSAGE: 'COMMIT_MESSAGE',
  ROLLBACK_MESSAGE: 'ROLLBACK_MESSAGE',
  /** Java's spelling. */
  UNKNOW: 'UNKNOW',
} as const;
export type LocalTransactionState = (typeof LocalTransactionState)[keyof typeof LocalTransactionState];

type StateResult = LocalTransactionState | null | undefined | void;

export interface TransactionListener {
  /** Runs the local transaction after the half message is stored. */
  executeLocalTransaction(message: Message, arg: unknown): StateResult | Promise<StateResult>;
  /** The broker asks about a transaction it has no answer for. */
  checkLocalTransaction(message: MessageExt): StateResult | Promise<StateResult>;
}

export class TransactionSendResult extends SendResult {
  constructor(result: SendResult, readonly localTransactionState: LocalTransactionState, transactionId: string | undefined) {
    super(result.sendStatus, result.msgId, result.offsetMsgId, result.messageQueue, result.queueOffset, result.regionId,
      result.traceOn, transactionId);
  }

  override toString(): string {
    return `${super.toString().slice(0, -1)}, localTransactionState=${this.localTransactionState}]`;
  }
}

export interface TransactionProducerOptions extends ProducerOptions {
  transactionListener?: TransactionListener;
  /** Checks waiting to run at most; more are dropped (the broker asks again). Default 2000. */
  checkRequestHoldMax?: number;
}

const TYPE_OF_STATE: Readonly<Record<LocalTransactionState, TransactionType>> = {
  COMMIT_MESSAGE: TransactionType.COMMIT,
  ROLLBACK_MESSAGE: TransactionType.ROLLBACK,
  UNKNOW: TransactionType.NOT_TYPE,
};

interface CheckRequest {
  readonly command: RemotingCommand;
  readonly channel: Channel;
}

let endTransactionOpaque = 0;

export class TransactionProducer extends Producer {
  transactionListener: TransactionListener | undefined;
  private readonly checkHoldMax: number;
  private readonly checks: CheckRequest[] = [];
  private checking = false;

  constructor(options: TransactionProducerOptions = {}) {
    super(options);
    this.transactionListener = options.transactionListener;
    this.checkHoldMax = options.checkRequestHoldMax ?? 2000;
  }

  setTransactionListener(listener: TransactionListener): void {
    this.transactionListener = listener;
  }

  /** Starts, then learns the brokers (TBW102's route, as Java's producer does) and heartbeats them. */
  override async start(): Promise<void> {
    await super.start();
    await this.instance.updateRoute('TBW102').catch((error: unknown) => {
      this.instance.logger.warn({ err: error }, 'transaction producer: no TBW102 route; heartbeats start with the first send');
    });
    await this.instance.heartbeatAll();
  }

  /** Sends `message` as a half message, runs the local transaction, ends it. */
  async sendMessageInTransaction(message: Message, arg?: unknown): Promise<TransactionSendResult> {
    this.checkRunning();
    const listener = this.transactionListener;
    if (listener === undefined) throw clientState('TransactionListener is null');
    if (message.delayTimeLevel !== 0) message.delayTimeLevel = 0;
    checkMessage(message);
    message.putProperty(MessageProperty.TRAN_MSG, 'true');
    message.putProperty(MessageProperty.PGROUP, this.groupName);
    const result = await this.send(message);
    let state: LocalTransactionState = LocalTransactionState.UNKNOW;
    let localError: unknown;
    if (result.sendStatus === SendStatus.SEND_OK) {
      message.transactionId = message.uniqKey;
      try {
        state = (await listener.executeLocalTransaction(message, arg)) ?? LocalTransactionState.UNKNOW;
      } catch (error) {
        localError = error;
        this.instance.logger.warn({ err: error, msgId: result.msgId }, 'executeLocalTransaction threw; state unknown');
      }
    } else {
      state = LocalTransactionState.ROLLBACK_MESSAGE;
    }
    try {
      await this.endTransaction(result, state, localError, message.transactionId);
    } catch (error) {
      this.instance.logger.warn({ err: error, msgId: result.msgId, state }, 'END_TRANSACTION failed; the broker will check back');
    }
    return new TransactionSendResult(result, state, message.transactionId);
  }

  private async endTransaction(
    result: SendResult, state: LocalTransactionState, localError: unknown, transactionId: string | undefined,
  ): Promise<void> {
    const header: EndTransactionHeader = {
      producerGroup: this.groupName, tranStateTableOffset: result.queueOffset,
      commitLogOffset: decodeOffsetMsgId(result.offsetMsgId).physicalOffset, commitOrRollback: TYPE_OF_STATE[state],
      fromTransactionCheck: false, msgId: result.msgId, transactionId, brokerName: result.messageQueue.brokerName,
    };
    const remark = localError === undefined ? null : `executeLocalTransactionBranch exception: ${String(localError)}`;
    const address = this.instance.masterAddress(result.messageQueue.brokerName);
    if (address === undefined) throw new Error(`The broker[${result.messageQueue.brokerName}] not exist`);
    await this.instance.brokerRemoting.invokeOneway(address, endTransactionCommand(header, remark));
  }

  // ClientMember

  /** CHECK_TRANSACTION_STATE from a broker: queued and answered in order. */
  checkTransactionState(command: RemotingCommand, channel: Channel): void {
    if (this.checks.length >= this.checkHoldMax) {
      this.instance.logger.warn({ waiting: this.checks.length }, 'too many transaction checks waiting; dropping one');
      return;
    }
    this.checks.push({ command, channel });
    if (!this.checking) void this.drainChecks();
  }

  private async drainChecks(): Promise<void> {
    this.checking = true;
    try {
      for (let check = this.checks.shift(); check !== undefined; check = this.checks.shift()) {
        try {
          await this.answerCheck(check);
        } catch (error) {
          this.instance.logger.warn({ err: error }, 'transaction check failed');
        }
      }
    } finally {
      this.checking = false;
    }
  }

  private async answerCheck({ command, channel }: CheckRequest): Promise<void> {
    const header = decodeCheckTransactionStateRequestHeader(command.extFields);
    const record = command.body === null ? undefined : decodeRecords(command.body)[0];
    if (record === undefined) throw new Error('CHECK_TRANSACTION_STATE without a message');
    const message = toMessageExt(record, header.bname ?? '');
    const uniqKey = message.properties[MessageProperty.UNIQ_KEY];
    if (uniqKey !== undefined && uniqKey.length > 0) message.transactionId = uniqKey;
    const group = message.properties[MessageProperty.PGROUP];
    if (group !== this.groupName) {
      this.instance.logger.warn({ group, msgId: message.msgId }, 'transaction check for another producer group; ignored');
      return;
    }
    const listener = this.transactionListener;
    let state: LocalTransactionState = LocalTransactionState.UNKNOW;
    let checkError: unknown;
    try {
      if (listener === undefined) throw new Error('TransactionListener is null');
      state = (await listener.checkLocalTransaction(message)) ?? LocalTransactionState.UNKNOW;
    } catch (error) {
      checkError = error;
      this.instance.logger.warn({ err: error, msgId: message.msgId }, 'checkLocalTransaction threw; state unknown');
    }
    const end = endTransactionCommand({
      producerGroup: this.groupName, tranStateTableOffset: header.tranStateTableOffset,
      commitLogOffset: header.commitLogOffset, commitOrRollback: TYPE_OF_STATE[state], fromTransactionCheck: true,
      msgId: uniqKey ?? message.msgId, transactionId: header.transactionId, brokerName: header.bname,
    }, checkError === undefined ? null : `checkLocalTransactionState Exception: ${String(checkError)}`);
    // Oneway on the connection the check came on (Java answers the channel's address).
    endTransactionOpaque = endTransactionOpaque >= 0x7fffffff ? 1 : endTransactionOpaque + 1;
    end.opaque = endTransactionOpaque;
    end.flag |= FLAG_ONEWAY;
    channel.send(end);
  }
}
