/**
 * RocketMQ 4.9.8 response codes (reference §2.1). `as const`, not an enum (STYLE §3).
 * `responseCodeInfo` is the one table that maps a wire code to a name and a retriable flag;
 * Java producers retry on 17, 14, 1, 16, 204, 205 (and on transport errors).
 */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  TRANSACTION_SHOULD_COMMIT: 200,
  TRANSACTION_SHOULD_ROLLBACK: 201,
  TRANSACTION_STATE_UNKNOW: 202,
  TRANSACTION_STATE_GROUP_WRONG: 203,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  UPDATE_AND_CREATE_ACL_CONFIG_FAILED: 209,
  DELETE_ACL_CONFIG_FAILED: 210,
  UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED: 211,
  FLOW_CONTROL: 215,
} as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

export interface ResponseCodeInfo {
  readonly name: keyof typeof ResponseCode;
  readonly retriable: boolean;
}

export const responseCodeInfo: Readonly<Record<ResponseCode, ResponseCodeInfo>> = {
  [ResponseCode.SUCCESS]: { name: 'SUCCESS', retriable: false },
  [ResponseCode.SYSTEM_ERROR]: { name: 'SYSTEM_ERROR', retriable: true },
  [ResponseCode.SYSTEM_BUSY]: { name: 'SYSTEM_BUSY', retriable: true },
  [ResponseCode.REQUEST_CODE_NOT_SUPPORTED]: { name: 'REQUEST_CODE_NOT_SUPPORTED', retriable: false },
  [ResponseCode.TRANSACTION_FAILED]: { name: 'TRANSACTION_FAILED', retriable: false },
  [ResponseCode.FLUSH_DISK_TIMEOUT]: { name: 'FLUSH_DISK_TIMEOUT', retriable: true },
  [ResponseCode.SLAVE_NOT_AVAILABLE]: { name: 'SLAVE_NOT_AVAILABLE', retriable: true },
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: { name: 'FLUSH_SLAVE_TIMEOUT', retriable: true },
  [ResponseCode.MESSAGE_ILLEGAL]: { name: 'MESSAGE_ILLEGAL', retriable: false },
  [ResponseCode.SERVICE_NOT_AVAILABLE]: { name: 'SERVICE_NOT_AVAILABLE', retriable: true },
  [ResponseCode.VERSION_NOT_SUPPORTED]: { name: 'VERSION_NOT_SUPPORTED', retriable: false },
  [ResponseCode.NO_PERMISSION]: { name: 'NO_PERMISSION', retriable: true },
  [ResponseCode.TOPIC_NOT_EXIST]: { name: 'TOPIC_NOT_EXIST', retriable: true },
  [ResponseCode.TOPIC_EXIST_ALREADY]: { name: 'TOPIC_EXIST_ALREADY', retriable: false },
  [ResponseCode.PULL_NOT_FOUND]: { name: 'PULL_NOT_FOUND', retriable: true },
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: { name: 'PULL_RETRY_IMMEDIATELY', retriable: true },
  [ResponseCode.PULL_OFFSET_MOVED]: { name: 'PULL_OFFSET_MOVED', retriable: false },
  [ResponseCode.QUERY_NOT_FOUND]: { name: 'QUERY_NOT_FOUND', retriable: false },
  [ResponseCode.SUBSCRIPTION_PARSE_FAILED]: { name: 'SUBSCRIPTION_PARSE_FAILED', retriable: false },
  [ResponseCode.SUBSCRIPTION_NOT_EXIST]: { name: 'SUBSCRIPTION_NOT_EXIST', retriable: false },
  [ResponseCode.SUBSCRIPTION_NOT_LATEST]: { name: 'SUBSCRIPTION_NOT_LATEST', retriable: false },
  [ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST]: { name: 'SUBSCRIPTION_GROUP_NOT_EXIST', retriable: false },
  [ResponseCode.FILTER_DATA_NOT_EXIST]: { name: 'FILTER_DATA_NOT_EXIST', retriable: false },
  [ResponseCode.FILTER_DATA_NOT_LATEST]: { name: 'FILTER_DATA_NOT_LATEST', retriable: false },
  [ResponseCode.TRANSACTION_SHOULD_COMMIT]: { name: 'TRANSACTION_SHOULD_COMMIT', retriable: false },
  [ResponseCode.TRANSACTION_SHOULD_ROLLBACK]: { name: 'TRANSACTION_SHOULD_ROLLBACK', retriable: false },
  [ResponseCode.TRANSACTION_STATE_UNKNOW]: { name: 'TRANSACTION_STATE_UNKNOW', retriable: false },
  [ResponseCode.TRANSACTION_STATE_GROUP_WRONG]: { name: 'TRANSACTION_STATE_GROUP_WRONG', retriable: false },
  [ResponseCode.NO_BUYER_ID]: { name: 'NO_BUYER_ID', retriable: true },
  [ResponseCode.NOT_IN_CURRENT_UNIT]: { name: 'NOT_IN_CURRENT_UNIT', retriable: true },
  [ResponseCode.CONSUMER_NOT_ONLINE]: { name: 'CONSUMER_NOT_ONLINE', retriable: false },
  [ResponseCode.CONSUME_MSG_TIMEOUT]: { name: 'CONSUME_MSG_TIMEOUT', retriable: false },
  [ResponseCode.NO_MESSAGE]: { name: 'NO_MESSAGE', retriable: false },
  [ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED]: { name: 'UPDATE_AND_CREATE_ACL_CONFIG_FAILED', retriable: false },
  [ResponseCode.DELETE_ACL_CONFIG_FAILED]: { name: 'DELETE_ACL_CONFIG_FAILED', retriable: false },
  [ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED]: { name: 'UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED', retriable: false },
  [ResponseCode.FLOW_CONTROL]: { name: 'FLOW_CONTROL', retriable: true },
};

/** Codes on which a producer retries a send on another broker (Java's rule). */
export const SEND_RETRY_RESPONSE_CODES: ReadonlySet<number> = new Set([17, 14, 1, 16, 204, 205]);

export function responseCodeName(code: number): string {
  return (responseCodeInfo as Record<number, ResponseCodeInfo | undefined>)[code]?.name ?? `UNKNOWN_${code}`;
}
