import type { RemotingCommand } from '../../protocol/command.js';
import { decodeEndTransactionRequestHeader } from '../../protocol/headers/message.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, isSlave, success } from './context.js';

/**
 * END_TRANSACTION (37, reference §2.3, §5.4), usually oneway: `producerGroup*`,
 * `tranStateTableOffset*`, `commitLogOffset*`, `commitOrRollback*` (8 commit, 12 rollback,
 * 0 unknown: nothing to do), `fromTransactionCheck`, `msgId*`, `transactionId`. A slave answers
 * SLAVE_NOT_AVAILABLE; a half message that is missing or does not match the header answers
 * SYSTEM_ERROR with Java's remark. The work is the TransactionService's.
 */
export async function endTransaction(
  request: RemotingCommand, channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const header = decodeEndTransactionRequestHeader(request.extFields);
  if (isSlave(context)) {
    return failure(request, ResponseCode.SLAVE_NOT_AVAILABLE, 'Transaction request to slave broker is not allowed');
  }
  const outcome = await context.transactions.endTransaction(header);
  if (!outcome.ok) {
    context.logger.warn({
      producerGroup: header.producerGroup, msgId: header.msgId, commitLogOffset: header.commitLogOffset,
      remote: channel.remoteAddress, remark: outcome.remark,
    }, 'END_TRANSACTION refused');
    return failure(request, ResponseCode.SYSTEM_ERROR, outcome.remark);
  }
  return success(request);
}
