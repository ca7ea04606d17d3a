import type { RemotingCommand } from '../../protocol/command.js';
import {
  decodeQueryConsumerOffsetRequestHeader, encodeQueryConsumerOffsetResponseHeader,
} from '../../protocol/headers/consumer.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/**
 * QUERY_CONSUMER_OFFSET (14, reference §2.4): the committed offset; with none, Java's rule:
 * when the queue's min offset is <= 0 and its first message is not already on disk (or the
 * queue is empty), answer offset 0, so a brand-new group reads a young queue from the start
 * even with CONSUME_FROM_LAST_OFFSET; otherwise QUERY_NOT_FOUND.
 */
export async function queryConsumerOffset(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const { consumerGroup, topic, queueId } = decodeQueryConsumerOffsetRequestHeader(request.extFields);
  const committed = queueId < 0 ? -1 : context.offsets.queryOffset(consumerGroup, topic, queueId);
  if (committed >= 0) return success(request, encodeQueryConsumerOffsetResponseHeader({ queueOffset: committed }));
  const minOffset = context.store.minOffset(topic, queueId);
  if (minOffset <= 0 && !(await context.store.isOnDisk(topic, queueId, 0))) {
    return success(request, encodeQueryConsumerOffsetResponseHeader({ queueOffset: 0 }));
  }
  return failure(request, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
}
