import {
  type ExtFields, missing, parseDecimal, parseInt32, toExt,
} from './fields.js';

/**
 * PULL_MESSAGE (11) (reference §2.4).
 *
 * Request:  consumerGroup* string, topic* string, queueId* int, queueOffset* long,
 *           maxMsgNums* int, sysFlag* int (PullSysFlag), commitOffset* long,
 *           suspendTimeoutMillis* long, subscription string (when sysFlag has SUBSCRIPTION),
 *           subVersion* long, expressionType string (TAG | SQL92; absent = TAG),
 *           bname string (since 4.9.5)
 * Response: suggestWhichBrokerId* long, nextBeginOffset* long, minOffset* long, maxOffset* long
 *           (remark = store status name; body = records back to back on SUCCESS)
 *
 * Hot path: hand-written, direct key reads, hand-rolled number parsing.
 */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL: 0x10,
} as const;

export interface PullMessageRequestHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: number;
  suspendTimeoutMillis: number;
  subscription?: string | undefined;
  subVersion: number;
  expressionType?: string | undefined;
  bname?: string | undefined;
}

function text(ext: ExtFields, key: string): string {
  const value = ext === null ? undefined : ext[key];
  if (value === undefined) throw missing(key);
  return value;
}

function int(ext: ExtFields, key: string): number {
  const raw = text(ext, key);
  const value = parseInt32(raw);
  if (value === undefined) throw missing(key, raw);
  return value;
}

function long(ext: ExtFields, key: string): number {
  const raw = text(ext, key);
  const value = parseDecimal(raw);
  if (value === undefined) throw missing(key, raw);
  return value;
}

export function decodePullMessageRequestHeader(ext: ExtFields): PullMessageRequestHeader {
  return {
    consumerGroup: text(ext, 'consumerGroup'),
    topic: text(ext, 'topic'),
    queueId: int(ext, 'queueId'),
    queueOffset: long(ext, 'queueOffset'),
    maxMsgNums: int(ext, 'maxMsgNums'),
    sysFlag: int(ext, 'sysFlag'),
    commitOffset: long(ext, 'commitOffset'),
    suspendTimeoutMillis: long(ext, 'suspendTimeoutMillis'),
    subscription: ext === null ? undefined : ext['subscription'],
    subVersion: long(ext, 'subVersion'),
    expressionType: ext === null ? undefined : ext['expressionType'],
    bname: ext === null ? undefined : ext['bname'],
  };
}

export function encodePullMessageRequestHeader(header: PullMessageRequestHeader): Record<string, string> {
  return toExt({ ...header });
}

export interface PullMessageResponseHeader {
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}

export function decodePullMessageResponseHeader(ext: ExtFields): PullMessageResponseHeader {
  return {
    suggestWhichBrokerId: long(ext, 'suggestWhichBrokerId'),
    nextBeginOffset: long(ext, 'nextBeginOffset'),
    minOffset: long(ext, 'minOffset'),
    maxOffset: long(ext, 'maxOffset'),
  };
}

/** Fixed key order (golden bytes depend on it). */
export function encodePullMessageResponseHeader(header: PullMessageResponseHeader): Record<string, string> {
  return {
    suggestWhichBrokerId: String(header.suggestWhichBrokerId),
    nextBeginOffset: String(header.nextBeginOffset),
    minOffset: String(header.minOffset),
    maxOffset: String(header.maxOffset),
  };
}
