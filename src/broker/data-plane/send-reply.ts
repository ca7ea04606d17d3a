import { type RemotingCommand, createResponse } from '../../protocol/command.js';
import { encodeOffsetMsgId } from '../../protocol/message-id.js';
import { encodeRecord } from '../../protocol/record.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { AppendResult, AppendSubmitStatus } from '../../store/types.js';
import { type DataPlaneContext, brokerAddressOf } from './context.js';
import type { PreparedMessage } from './send-prepare.js';
import { encodeOutgoingRecords } from './send-record.js';

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
    const submitted = ctx.appender.append(record, message.tagsCode, (result) => {
      resolve(replyFor(ctx, request, queueId, result));
    });
    if (submitted !== 'queued') resolve(refusal(request, submitted));
  });
}

/** Several messages of one request (SEND_BATCH_MESSAGE): one append, one reply. */
export function appendAndReply(
  ctx: DataPlaneContext, request: RemotingCommand, messages: readonly PreparedMessage[],
): Promise<RemotingCommand> {
  const records = encodeOutgoingRecords(messages.map((message) => message.record));
  const tagsCodes = messages.length === 1 ? (messages[0]?.tagsCode ?? 0) : messages.map((message) => message.tagsCode);
  const first = messages[0];
  const queueId = first === undefined ? 0 : first.record.queueId;
  return new Promise((resolve) => {
    const submitted = ctx.appender.append(records, tagsCodes, (result) => {
      resolve(replyFor(ctx, request, queueId, result));
    });
    if (submitted !== 'queued') resolve(refusal(request, submitted));
  });
}

function replyFor(ctx: DataPlaneContext, request: RemotingCommand, queueId: number, result: AppendResult): RemotingCommand {
  switch (result.status) {
    case 'ok':
    case 'flush-disk-timeout': {
      const storeHost = storeHostOf(ctx);
      const msgId = result.recordCount === 1
        ? encodeOffsetMsgId(storeHost, result.physicalOffset)
        : result.physicalOffsets.map((physicalOffset) => encodeOffsetMsgId(storeHost, physicalOffset)).join(',');
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

function refusal(request: RemotingCommand, submitted: Exclude<AppendSubmitStatus, 'queued'>): RemotingCommand {
  switch (submitted) {
    case 'busy':
      return createResponse(request, ResponseCode.SYSTEM_BUSY, BUSY_REMARK);
    case 'not-writable':
      return createResponse(request, ResponseCode.SERVICE_NOT_AVAILABLE, NOT_WRITABLE_REMARK);
    case 'too-large':
      return createResponse(request, ResponseCode.MESSAGE_ILLEGAL,
        'the message is too large for the store');
  }
}
