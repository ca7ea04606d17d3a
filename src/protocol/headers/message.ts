import { defineHeader } from './define.js';

/**
 * Message lookup and transaction headers (reference §2.3, §2.4). `*` = required.
 *
 * QUERY_MESSAGE (12)            topic* str, key* str, maxNum* int, beginTimestamp* long,
 *                               endTimestamp* long, _UNIQUE_KEY_QUERY bool -> uniqueKeyQuery
 *                    response   indexLastUpdateTimestamp* long, indexLastUpdatePhyoffset* long
 * VIEW_MESSAGE_BY_ID (33)       offset* long -> physicalOffset
 * END_TRANSACTION (37)          producerGroup* str, tranStateTableOffset* long, commitLogOffset* long,
 *                               commitOrRollback* int (0 none, 8 commit, 12 rollback),
 *                               fromTransactionCheck bool, msgId* str (UNIQ_KEY), transactionId str,
 *                               bname str
 * CHECK_TRANSACTION_STATE (39)  tranStateTableOffset* long, commitLogOffset* long, msgId str,
 *                               transactionId str, offsetMsgId str, bname str (broker -> producer, oneway)
 */

export interface QueryMessageRequestHeader {
  topic: string;
  key: string;
  maxNum: number;
  beginTimestamp: number;
  endTimestamp: number;
  /** ext key `_UNIQUE_KEY_QUERY`: true => key is a UNIQ_KEY and maxNum is forced to 32. */
  uniqueKeyQuery?: boolean | undefined;
}
const queryMessageRequest = defineHeader<QueryMessageRequestHeader>({
  topic: 'string', key: 'string', maxNum: 'int', beginTimestamp: 'long', endTimestamp: 'long',
  uniqueKeyQuery: { kind: 'bool?', key: '_UNIQUE_KEY_QUERY' },
});
export const decodeQueryMessageRequestHeader = queryMessageRequest.decode;
export const encodeQueryMessageRequestHeader = queryMessageRequest.encode;

export interface QueryMessageResponseHeader {
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}
const queryMessageResponse = defineHeader<QueryMessageResponseHeader>({
  indexLastUpdateTimestamp: 'long', indexLastUpdatePhyoffset: 'long',
});
export const decodeQueryMessageResponseHeader = queryMessageResponse.decode;
export const encodeQueryMessageResponseHeader = queryMessageResponse.encode;

export interface ViewMessageByIdRequestHeader {
  physicalOffset: number;
}
const viewMessageByIdRequest = defineHeader<ViewMessageByIdRequestHeader>({
  physicalOffset: { kind: 'long', key: 'offset' },
});
export const decodeViewMessageByIdRequestHeader = viewMessageByIdRequest.decode;
export const encodeViewMessageByIdRequestHeader = viewMessageByIdRequest.encode;

/** END_TRANSACTION commitOrRollback values (MessageSysFlag transaction types). */
export const TransactionResolution = { NOT_TYPE: 0, COMMIT: 8, ROLLBACK: 12 } as const;

export interface EndTransactionRequestHeader {
  producerGroup: string;
  tranStateTableOffset: number;
  commitLogOffset: number;
  commitOrRollback: number;
  fromTransactionCheck?: boolean | undefined;
  msgId: string;
  transactionId?: string | undefined;
  bname?: string | undefined;
}
const endTransactionRequest = defineHeader<EndTransactionRequestHeader>({
  producerGroup: 'string', tranStateTableOffset: 'long', commitLogOffset: 'long', commitOrRollback: 'int',
  fromTransactionCheck: 'bool?', msgId: 'string', transactionId: 'string?', bname: 'string?',
});
export const decodeEndTransactionRequestHeader = endTransactionRequest.decode;
export const encodeEndTransactionRequestHeader = endTransactionRequest.encode;

export interface CheckTransactionStateRequestHeader {
  tranStateTableOffset: number;
  commitLogOffset: number;
  msgId?: string | undefined;
  transactionId?: string | undefined;
  offsetMsgId?: string | undefined;
  bname?: string | undefined;
}
const checkTransactionStateRequest = defineHeader<CheckTransactionStateRequestHeader>({
  tranStateTableOffset: 'long', commitLogOffset: 'long', msgId: 'string?', transactionId: 'string?',
  offsetMsgId: 'string?', bname: 'string?',
});
export const decodeCheckTransactionStateRequestHeader = checkTransactionStateRequest.decode;
export const encodeCheckTransactionStateRequestHeader = checkTransactionStateRequest.encode;
