import { type RemotingCommand, createRequest } from '../protocol/command.js';
import { decodeLockBatchResponseBody, encodeLockBatchRequestBody } from '../protocol/bodies/client.js';
import { toFastjson } from '../protocol/fastjson.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { Remoting } from './client-api.js';
import { responseError } from './errors.js';
import type { MessageQueue } from './message-queue.js';
import type { SubscriptionData } from './subscription.js';

/**
 * The requests of the message types (reference §2.3-2.4, §5.4-5.5, §5.9): queue locks for
 * orderly consumers, END_TRANSACTION for transactional producers, CHECK_CLIENT_CONFIG for
 * SQL92 subscriptions. Same conventions as `client-api.ts`.
 */
export interface LockBatchRequest {
  consumerGroup: string;
  clientId: string;
  mqSet: readonly MessageQueue[];
}

/** LOCK_BATCH_MQ (41): the queues of `mqSet` this client now holds. */
export async function lockBatchMQ(
  remoting: Remoting, brokerAddr: string, request: LockBatchRequest, timeoutMs: number,
): Promise<MessageQueue[]> {
  const command = createRequest(RequestCode.LOCK_BATCH_MQ, null, encodeLockBatchRequestBody({ ...request, mqSet: [...request.mqSet] }));
  const response = await remoting.invoke(brokerAddr, command, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, 'lock batch message queue');
  return decodeLockBatchResponseBody(response.body);
}

/** UNLOCK_BATCH_MQ (42), waiting for the answer (Java may also send it oneway). */
export async function unlockBatchMQ(
  remoting: Remoting, brokerAddr: string, request: LockBatchRequest, timeoutMs: number,
): Promise<void> {
  const command = createRequest(RequestCode.UNLOCK_BATCH_MQ, null, encodeLockBatchRequestBody({ ...request, mqSet: [...request.mqSet] }));
  const response = await remoting.invoke(brokerAddr, command, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw responseError(response, 'unlock batch message queue');
}

/** END_TRANSACTION commitOrRollback values (MessageSysFlag transaction types). */
export const TransactionType = { NOT_TYPE: 0, COMMIT: 8, ROLLBACK: 12 } as const;
export type TransactionType = (typeof TransactionType)[keyof typeof TransactionType];

export interface EndTransactionHeader {
  producerGroup: string;
  /** The half message's queue offset (SendResult.queueOffset, or the check's). */
  tranStateTableOffset: number;
  /** The half message's commit-log offset (from its offset msgId, or the check's). */
  commitLogOffset: number;
  commitOrRollback: TransactionType;
  fromTransactionCheck: boolean;
  /** The UNIQ_KEY. */
  msgId: string;
  transactionId: string | undefined;
  brokerName: string | undefined;
}

/** Builds END_TRANSACTION (37); `remark` carries the local transaction's exception text. */
export function endTransactionCommand(header: EndTransactionHeader, remark: string | null): RemotingCommand {
  const ext: Record<string, string> = {
    producerGroup: header.producerGroup, tranStateTableOffset: String(header.tranStateTableOffset),
    commitLogOffset: String(header.commitLogOffset), commitOrRollback: String(header.commitOrRollback),
    fromTransactionCheck: String(header.fromTransactionCheck), msgId: header.msgId,
  };
  if (header.transactionId !== undefined) ext['transactionId'] = header.transactionId;
  if (header.brokerName !== undefined) ext['bname'] = header.brokerName;
  const command = createRequest(RequestCode.END_TRANSACTION, ext);
  command.remark = remark;
  return command;
}

/**
 * CHECK_CLIENT_CONFIG (46): asks the broker whether it accepts a (non-TAG) subscription. Throws
 * MQResponseError with the broker's verdict (SYSTEM_ERROR when property filtering is off,
 * SUBSCRIPTION_PARSE_FAILED with the compile error).
 */
export async function checkClientConfig(
  remoting: Remoting, brokerAddr: string, clientId: string, group: string, subscription: SubscriptionData,
  timeoutMs: number,
): Promise<void> {
  const body = Buffer.from(toFastjson({ clientId, group, subscriptionData: { ...subscription } }), 'utf8');
  const response = await remoting.invoke(brokerAddr, createRequest(RequestCode.CHECK_CLIENT_CONFIG, null, body), timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) {
    throw responseError(response, `broker ${brokerAddr} refused the ${subscription.expressionType} subscription `
      + `'${subscription.subString}' of ${subscription.topic}`);
  }
}
