import type { Channel } from '../../remoting/channel.js';
import type { RemotingCommand } from '../../protocol/command.js';
import { decodeHeartbeatData, type SubscriptionData } from '../../protocol/bodies/client.js';
import { compileSql92Cached } from '../../filter/record-filter.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { PERM_READ_WRITE } from '../perm.js';
import { retryTopicOf } from '../topic-names.js';
import type { ControlContext } from './context.js';
import { failure, success } from './context.js';

/**
 * HEART_BEAT (34, reference §2.3): registers the client's producer and consumer groups on this
 * channel. For each consumer group whose config exists (auto-created when allowed) the retry
 * topic `%RETRY%<group>` is created with the group's retryQueueNums, so its route exists before
 * the consumer asks for it (ali-ons needs that, real-clients §1.5).
 */
export function heartBeat(request: RemotingCommand, channel: Channel, context: ControlContext): RemotingCommand {
  const heartbeat = decodeHeartbeatData(request.body);
  if (heartbeat.clientID === '') return failure(request, ResponseCode.SYSTEM_ERROR, 'HeartbeatData: clientID is missing');
  const client = {
    channel, clientId: heartbeat.clientID, language: request.language, version: request.version,
  };
  for (const consumer of heartbeat.consumerDataSet) {
    const groupConfig = context.groups.findOrCreate(consumer.groupName);
    if (groupConfig !== undefined) {
      context.topics.createTopicIfAbsent(retryTopicOf(consumer.groupName), groupConfig.retryQueueNums, PERM_READ_WRITE);
    }
    warnUncompilableSql92(context, consumer.groupName, consumer.subscriptionDataSet);
    context.consumers.register({
      groupName: consumer.groupName, consumeType: consumer.consumeType, messageModel: consumer.messageModel,
      consumeFromWhere: consumer.consumeFromWhere, subscriptions: consumer.subscriptionDataSet,
    }, client);
  }
  for (const producer of heartbeat.producerDataSet) context.producers.register(producer.groupName, client);
  return success(request);
}

/**
 * RocketMQ accepts a heartbeat whose SQL92 subscription does not compile (the client ignores the
 * heartbeat's answer, and a refusal would also drop its other groups): it logs, and that
 * consumer's pulls get FILTER_DATA_NOT_EXIST. The expression is compiled once (cached).
 */
function warnUncompilableSql92(context: ControlContext, group: string, subscriptions: readonly SubscriptionData[]): void {
  for (const subscription of subscriptions) {
    if (subscription.expressionType !== 'SQL92') continue;
    const compiled = compileSql92Cached(subscription.subString);
    if (!compiled.ok) {
      context.logger.warn({ group, topic: subscription.topic, expression: subscription.subString },
        `consumer filter does not compile: ${compiled.error}`);
    }
  }
}
