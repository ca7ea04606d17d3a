import {
  type ExtFields, optionalString, requiredInt, requiredLong, requiredString,
} from '../../protocol/headers/fields.js';

/**
 * PULL_MESSAGE request header (reference §2.4), Java field names as extField keys:
 *
 *   consumerGroup* string | topic* string | queueId* int | queueOffset* long | maxMsgNums* int |
 *   sysFlag* int | commitOffset* long | suspendTimeoutMillis* long | subscription string |
 *   subVersion* long | expressionType string (null = TAG) | bname string (4.9.5+, ignored)
 */
export interface PullRequestHeader {
  readonly consumerGroup: string;
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly maxMsgNums: number;
  readonly sysFlag: number;
  readonly commitOffset: number;
  readonly suspendTimeoutMillis: number;
  readonly subscription: string | undefined;
  readonly subVersion: number;
  readonly expressionType: string | undefined;
}

/** PullSysFlag bits. */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL: 0x10,
} as const;

/** Throws PetrelError(ERR_HEADER_FIELD_MISSING) naming the first missing required field. */
export function decodePullRequest(ext: ExtFields): PullRequestHeader {
  return {
    consumerGroup: requiredString(ext, 'consumerGroup'),
    topic: requiredString(ext, 'topic'),
    queueId: requiredInt(ext, 'queueId'),
    queueOffset: requiredLong(ext, 'queueOffset'),
    maxMsgNums: requiredInt(ext, 'maxMsgNums'),
    sysFlag: requiredInt(ext, 'sysFlag'),
    commitOffset: requiredLong(ext, 'commitOffset'),
    suspendTimeoutMillis: requiredLong(ext, 'suspendTimeoutMillis'),
    subscription: optionalString(ext, 'subscription'),
    subVersion: requiredLong(ext, 'subVersion'),
    expressionType: optionalString(ext, 'expressionType'),
  };
}
