import { ErrorCode, PetrelError } from '../common/errors.js';
import { type RemotingCommand, SerializeType } from '../protocol/command.js';
import { decodeFrame } from '../protocol/frame.js';
import { ResponseCode } from '../protocol/response-code.js';
import { MQResponseError } from './errors.js';
import type { MessageQueue } from './message-queue.js';
import { SendResult, SendStatus } from './send-result.js';

/**
 * The answer to a SEND (SendMessageResponseHeader, reference §2.3), read straight from a
 * binary-header frame: only the fields a SendResult needs, integers parsed from their digits,
 * the region string reused from the previous answer, no extFields map and no RemotingCommand.
 * A frame this reader does not follow (JSON header, odd lengths, non-decimal numbers) goes
 * through the generic decoder instead, which also reports malformed frames (ERR_FRAME_MALFORMED).
 */
export interface SendResponse {
  readonly code: number;
  readonly remark: string | null;
  /** The broker's offset message id (extField msgId); '' when absent. */
  readonly offsetMsgId: string;
  /** extField queueId; -1 when absent. */
  readonly queueId: number;
  /** extField queueOffset; -1 when absent. */
  readonly queueOffset: number;
  readonly regionId: string;
  readonly traceOn: boolean;
  readonly transactionId: string | undefined;
  /** The frame's content it was read from (for a caller wanting the generic RemotingCommand), if any. */
  readonly frame: Buffer | null;
}

const DEFAULT_REGION = 'DefaultRegion';

/** From a generically decoded response (any serialize type). */
export function sendResponseOf(command: RemotingCommand): SendResponse {
  const ext = command.extFields ?? {};
  return {
    code: command.code, remark: command.remark, offsetMsgId: ext['msgId'] ?? '',
    queueId: ext['queueId'] === undefined ? -1 : Number(ext['queueId']),
    queueOffset: Number(ext['queueOffset'] ?? '-1'), regionId: ext['MSG_REGION'] ?? DEFAULT_REGION,
    traceOn: ext['TRACE_ON'] !== 'false', transactionId: ext['transactionId'], frame: null,
  };
}

const STATUS_BY_CODE: Readonly<Record<number, SendStatus>> = {
  [ResponseCode.SUCCESS]: SendStatus.SEND_OK,
  [ResponseCode.FLUSH_DISK_TIMEOUT]: SendStatus.FLUSH_DISK_TIMEOUT,
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: SendStatus.FLUSH_SLAVE_TIMEOUT,
  [ResponseCode.SLAVE_NOT_AVAILABLE]: SendStatus.SLAVE_NOT_AVAILABLE,
};

/** The SendResult of an answer; throws MQResponseError for anything but the four stored codes. */
export function sendResultOf(response: SendResponse, queue: MessageQueue, msgId: string): SendResult {
  const status = STATUS_BY_CODE[response.code];
  if (status === undefined) {
    throw new MQResponseError(response.code, response.remark ?? '', `send to ${queue.topic}@${queue.brokerName}`);
  }
  const queueId = response.queueId === -1 ? queue.queueId : response.queueId;
  const resultQueue = queueId === queue.queueId ? queue : { ...queue, queueId };
  return new SendResult(status, msgId, response.offsetMsgId, resultQueue, response.queueOffset, response.regionId,
    response.traceOn, response.transactionId);
}

function int16At(bytes: Buffer, position: number): number {
  return (((bytes[position] as number) << 24) | ((bytes[position + 1] as number) << 16)) >> 16;
}

function int32At(bytes: Buffer, position: number): number {
  return ((bytes[position] as number) << 24) | ((bytes[position + 1] as number) << 16)
    | ((bytes[position + 2] as number) << 8) | (bytes[position + 3] as number);
}

/** A non-negative decimal of at most 15 digits, else NaN (the caller then takes the generic path). */
function decimalAt(bytes: Buffer, start: number, end: number): number {
  if (end <= start || end - start > 15) return Number.NaN;
  let value = 0;
  for (let position = start; position < end; position++) {
    const digit = (bytes[position] as number) - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

function isAscii(bytes: Buffer, start: number, end: number): boolean {
  for (let position = start; position < end; position++) if ((bytes[position] as number) >= 0x80) return false;
  return true;
}

/** True when bytes[start, end) spell `ascii`. */
function spells(bytes: Buffer, start: number, end: number, ascii: string): boolean {
  if (end - start !== ascii.length) return false;
  for (let index = 0; index < ascii.length; index++) if (bytes[start + index] !== ascii.charCodeAt(index)) return false;
  return true;
}

let lastRegion = DEFAULT_REGION;

/** Fields of one answer while reading it (reset per frame; single-threaded). */
const fields = {
  offsetMsgId: '', queueId: -1, queueOffset: -1, regionId: DEFAULT_REGION, traceOn: true,
  transactionId: undefined as string | undefined,
};

/** Reads one ext entry's value into `fields`; false when it needs the generic path. */
function readEntry(bytes: Buffer, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): boolean {
  const keyBytes = keyEnd - keyStart;
  if (keyBytes === 5 && spells(bytes, keyStart, keyEnd, 'msgId')) {
    if (!isAscii(bytes, valueStart, valueEnd)) return false;
    fields.offsetMsgId = bytes.toString('latin1', valueStart, valueEnd);
  } else if (keyBytes === 7 && spells(bytes, keyStart, keyEnd, 'queueId')) {
    fields.queueId = decimalAt(bytes, valueStart, valueEnd);
    return !Number.isNaN(fields.queueId);
  } else if (keyBytes === 11 && spells(bytes, keyStart, keyEnd, 'queueOffset')) {
    fields.queueOffset = decimalAt(bytes, valueStart, valueEnd);
    return !Number.isNaN(fields.queueOffset);
  } else if (keyBytes === 10 && spells(bytes, keyStart, keyEnd, 'MSG_REGION')) {
    if (!isAscii(bytes, valueStart, valueEnd)) return false;
    if (!spells(bytes, valueStart, valueEnd, lastRegion)) lastRegion = bytes.toString('latin1', valueStart, valueEnd);
    fields.regionId = lastRegion;
  } else if (keyBytes === 8 && spells(bytes, keyStart, keyEnd, 'TRACE_ON')) {
    fields.traceOn = !spells(bytes, valueStart, valueEnd, 'false');
  } else if (keyBytes === 13 && spells(bytes, keyStart, keyEnd, 'transactionId')) {
    fields.transactionId = bytes.toString('utf8', valueStart, valueEnd);
  }
  return true;
}

/** The fast reader; null when the frame needs the generic decoder. */
function readBinary(content: Buffer): SendResponse | null {
  const length = content.length;
  if (length < 4 + 21 || content[0] !== SerializeType.ROCKETMQ) return null;
  const headerEnd = 4 + (int32At(content, 0) & 0xffffff);
  if (headerEnd > length) return null;
  const code = int16At(content, 4);
  const remarkBytes = int32At(content, 4 + 13);
  let position = 4 + 17;
  if (remarkBytes < 0 || position + remarkBytes + 4 > headerEnd) return null;
  const remark = remarkBytes === 0 ? null : content.toString('utf8', position, position + remarkBytes);
  position += remarkBytes;
  const extBytes = int32At(content, position);
  position += 4;
  if (extBytes < 0 || position + extBytes !== headerEnd) return null;
  fields.offsetMsgId = '';
  fields.queueId = -1;
  fields.queueOffset = -1;
  fields.regionId = DEFAULT_REGION;
  fields.traceOn = true;
  fields.transactionId = undefined;
  while (position < headerEnd) {
    if (position + 2 > headerEnd) return null;
    const keyStart = position + 2;
    const keyEnd = keyStart + int16At(content, position);
    if (keyEnd < keyStart || keyEnd + 4 > headerEnd) return null;
    const valueStart = keyEnd + 4;
    const valueEnd = valueStart + int32At(content, keyEnd);
    if (valueEnd < valueStart || valueEnd > headerEnd) return null;
    if (!readEntry(content, keyStart, keyEnd, valueStart, valueEnd)) return null;
    position = valueEnd;
  }
  return { code, remark, ...fields, frame: content };
}

/**
 * Reads a SEND answer from one frame's content (after the length prefix). Throws PetrelError
 * (ERR_FRAME_MALFORMED / ERR_HEADER_MALFORMED) for a frame that does not decode.
 */
export function decodeSendResponse(content: Buffer): SendResponse {
  const fast = readBinary(content);
  if (fast !== null) return fast;
  try {
    return { ...sendResponseOf(decodeFrame(content)), frame: content };
  } catch (error) {
    if (error instanceof PetrelError) throw error;
    throw new PetrelError(ErrorCode.ERR_FRAME_MALFORMED, `frame does not decode: ${String(error)}`, { cause: error });
  }
}
