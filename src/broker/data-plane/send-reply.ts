import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { encodeOffsetMsgId } from '../../protocol/message-id.js';
import { encodeRecord } from '../../protocol/record.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { AppendResult } from '../../store/types.js';
import { type DataPlaneContext, brokerAddressOf } from './context.js';
import type { PreparedMessage } from './send-prepare.js';
import type { SendRefusal } from './send-queue.js';

/**
 * Hands prepared messages to the store and builds the SEND reply (reference §2.3): msgId =
 * offset msgId of the stored record (a batch: the list, comma-joined), queueId, queueOffset (a
 * batch: the first), MSG_REGION and TRACE_ON. FLUSH_DISK_TIMEOUT (10) still means stored and
 * carries the same fields.
 */
export const BUSY_REMARK = '[REJECTREQUEST]system busy, start flow control for a while';
export const NOT_WRITABLE_REMARK = 'service not available now. It may be caused by one of the following '
  + "reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc.";

/** One message (SEND_MESSAGE / _V2): one record, one append, no per-send arrays. */
export function appendOneAndReply(
  ctx: DataPlaneContext, request: RemotingCommand, message: PreparedMessage,
): Promise<RemotingCommand> {
  const record = encodeRecord(message.record);
  const queueId = message.record.queueId;
  return new Promise((resolve) => {
    ctx.sends.append(record, message.tagsCode, (result) => {
      resolve(replyFor(ctx, request, queueId, result));
    }, (why) => resolve(refusal(ctx, request, why)));
  });
}

/** Records already encoded back to back for one queue (send-batch-encode.ts): one append, one reply. */
export function appendRecordsAndReply(
  ctx: DataPlaneContext, request: RemotingCommand, records: Buffer, tagsCodes: number | readonly number[], queueId: number,
): Promise<RemotingCommand> {
  return new Promise((resolve) => {
    ctx.sends.append(records, tagsCodes, (result) => {
      resolve(replyFor(ctx, request, queueId, result));
    }, (why) => resolve(refusal(ctx, request, why)));
  });
}

function replyFor(ctx: DataPlaneContext, request: RemotingCommand, queueId: number, result: AppendResult): RemotingCommand {
  switch (result.status) {
    case 'ok':
    case 'flush-disk-timeout': {
      const storeHost = storeHostOf(ctx);
      const msgId = result.recordCount === 1
        ? encodeOffsetMsgId(storeHost, result.physicalOffset)
        : offsetMsgIdList(storeHost, result.physicalOffsets);
      return storedReply(ctx, request, result.status, msgId, queueId, result.queueOffset);
    }
    case 'not-writable':
      return createResponse(request, ResponseCode.SERVICE_NOT_AVAILABLE, NOT_WRITABLE_REMARK);
  }
}

function storedReply(
  ctx: DataPlaneContext, request: RemotingCommand, status: 'ok' | 'flush-disk-timeout', msgId: string,
  queueId: number, queueOffset: number,
): RemotingCommand {
  const code = status === 'ok' ? ResponseCode.SUCCESS : ResponseCode.FLUSH_DISK_TIMEOUT;
  return createResponse(request, code, null, {
    msgId,
    queueId: String(queueId),
    queueOffset: String(queueOffset),
    MSG_REGION: ctx.config.regionId,
    TRACE_ON: ctx.config.traceOn ? 'true' : 'false',
  });
}

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
const TWO_POW_32 = 4294967296;
/** Text buffer of offsetMsgIdList, grown when a batch needs more (one per thread). */
let idListBytes = Buffer.alloc(0);

/**
 * The comma-joined offset msgIds of a batch's records: the store host's hex prefix (the
 * single-record path's, so both agree) copied per id and the offset's 16 hex digits written
 * from a table into one buffer, read back as one latin1 string: no string per record.
 */
export function offsetMsgIdList(storeHost: string, physicalOffsets: readonly number[]): string {
  const count = physicalOffsets.length;
  if (count === 0) return '';
  const first = encodeOffsetMsgId(storeHost, physicalOffsets[0] as number);
  const prefixChars = first.length - 16;
  const idChars = first.length + 1;
  const totalChars = count * idChars - 1;
  if (idListBytes.length < totalChars) idListBytes = Buffer.allocUnsafe(Math.max(totalChars, 2 * idListBytes.length));
  const out = idListBytes;
  out.write(first, 0, 'latin1');
  for (let index = 1; index < count; index++) {
    const at = index * idChars;
    out[at - 1] = 0x2c; // ','
    out.copy(out, at, 0, prefixChars);
    const physicalOffset = physicalOffsets[index] as number;
    const high = Math.floor(physicalOffset / TWO_POW_32);
    writeHex32(out, at + prefixChars, high);
    writeHex32(out, at + prefixChars + 8, physicalOffset - high * TWO_POW_32);
  }
  return out.toString('latin1', 0, totalChars);
}

function writeHex32(out: Buffer, at: number, value: number): void {
  for (let shift = 28, position = at; shift >= 0; shift -= 4, position++) out[position] = HEX[(value >>> shift) & 15] as number;
}

/** The store host text of this plane's config, built once (a Map lookup per reply after that). */
const storeHosts = new WeakMap<DataPlaneContext['config'], string>();

function storeHostOf(ctx: DataPlaneContext): string {
  let storeHost = storeHosts.get(ctx.config);
  if (storeHost === undefined) {
    storeHost = brokerAddressOf(ctx.config);
    storeHosts.set(ctx.config, storeHost);
  }
  return storeHost;
}

function refusal(ctx: DataPlaneContext, request: RemotingCommand, why: SendRefusal): RemotingCommand {
  switch (why) {
    case 'busy':
      return createResponse(request, ResponseCode.SYSTEM_BUSY, BUSY_REMARK);
    case 'busy-timeout':
      return createResponse(request, ResponseCode.SYSTEM_BUSY,
        `[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, a send waited ${ctx.config.waitTimeMillsInSendQueue} ms `
        + `for the store, ${ctx.sends.size} still waiting`);
    case 'not-writable':
      return createResponse(request, ResponseCode.SERVICE_NOT_AVAILABLE, NOT_WRITABLE_REMARK);
    case 'too-large':
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL,
        'the message is too large for the store');
  }
}
