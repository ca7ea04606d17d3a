import type { RemotingCommand } from '../../protocol/command.js';
import { decodeConsumerSendMsgBackRequestHeader } from '../../protocol/headers/consumer.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Channel } from '../../remoting/channel.js';
import { PERM_READ_WRITE, isWriteable } from '../perm.js';
import { HEADER_MAX_RECONSUME_VERSION, buildSendBackMessage, decideSendBack } from '../retry-policy.js';
import { appendMaybeDelayed } from '../schedule/scheduled-message.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/** %DLQ% topics have one queue (MixAll.DLQ_NUMS_PER_GROUP). */
const DLQ_QUEUE_NUMS = 1;

/**
 * CONSUMER_SEND_MSG_BACK (36, reference §2.4, §5.2): `offset*` (the failed record's commit-log
 * offset), `group*`, `delayLevel*`, `maxReconsumeTimes`, `originMsgId`, `originTopic`. Reads the
 * original, then stores a copy in `%RETRY%<group>` (delayed by level 3 + reconsumeTimes through
 * the schedule topic) or in `%DLQ%<group>`. Answers 26 for an unknown group, 16 when the broker
 * is not writable, 1 when the original is gone or the store refuses.
 */
export async function consumerSendMsgBack(
  request: RemotingCommand, _channel: Channel, context: ControlContext,
): Promise<RemotingCommand> {
  const header = decodeConsumerSendMsgBackRequestHeader(request.extFields);
  const { physicalOffset, group, delayLevel: requestedDelayLevel } = header;
  const groupConfig = context.groups.findOrCreate(group);
  if (groupConfig === undefined) {
    return failure(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group}`);
  }
  const config = context.brokerConfig.current();
  if (!isWriteable(config.brokerPermission)) {
    return failure(request, ResponseCode.NO_PERMISSION, `the broker[${context.runtime.brokerIp}] sending message is forbidden`);
  }
  if (groupConfig.retryQueueNums <= 0) return success(request);
  const original = await context.store.readMessage(physicalOffset);
  if (original === null) {
    return failure(request, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${physicalOffset}`);
  }
  const headerMax = header.maxReconsumeTimes;
  const maxReconsumeTimes = request.version >= HEADER_MAX_RECONSUME_VERSION && headerMax !== undefined
    ? headerMax : groupConfig.retryMaxTimes;
  const decision = decideSendBack({ group, reconsumeTimes: original.reconsumeTimes, maxReconsumeTimes, requestedDelayLevel });
  const queueNums = decision.kind === 'dlq' ? DLQ_QUEUE_NUMS : groupConfig.retryQueueNums;
  const topicConfig = context.topics.createTopicIfAbsent(decision.topic, queueNums, PERM_READ_WRITE);
  if (!isWriteable(topicConfig.perm)) {
    return failure(request, ResponseCode.NO_PERMISSION, `the topic[${decision.topic}] sending message is forbidden`);
  }
  const queueId = Math.floor(Math.random() * Math.max(1, Math.min(queueNums, topicConfig.writeQueueNums)));
  const message = buildSendBackMessage(original, decision, queueId);
  const outcome = await appendMaybeDelayed(context.store, message, context.delayLevelsMs, context.clock.nowMs());
  if (outcome.status !== 'ok') {
    return failure(request, ResponseCode.SYSTEM_ERROR, `send back to ${decision.topic} failed: ${outcome.status}`);
  }
  return success(request);
}
