import { consumerSendMessageBack } from './client-api.js';
import type { ClientInstance } from './client-instance.js';
import { type MessageExt, MessageProperty } from './message.js';
import type { MessageQueue } from './message-queue.js';
import { parseSendResponse } from './send-encode.js';
import { SendRequestCommand, SendTemplate } from './send-frame.js';
import { publishQueuesOf } from './topic-route.js';

/**
 * Giving a failed message back to the broker (reference §5.2). Concurrent listeners use
 * CONSUMER_SEND_MSG_BACK to the broker that served the message and, when that fails, re-publish
 * a copy to %RETRY%<group> as Java's client does. Orderly listeners re-publish directly once a
 * message has used up its reconsume times: the header's reconsumeTimes >= maxReconsumeTimes
 * makes the broker put it in %DLQ%<group>.
 */
export interface SendBackContext {
  readonly instance: ClientInstance;
  readonly group: string;
}

/** CONSUMER_SEND_MSG_BACK, falling back to a re-publish; false when both fail. */
export async function sendMessageBack(
  context: SendBackContext, message: MessageExt, delayLevel: number, queue: MessageQueue, maxReconsumeTimes: number,
): Promise<boolean> {
  const { instance, group } = context;
  const brokerName = message.brokerName || queue.brokerName;
  const address = instance.masterAddress(brokerName);
  try {
    if (address === undefined) throw new Error(`The broker[${brokerName}] not exist`);
    await consumerSendMessageBack(instance.brokerRemoting, address, {
      commitLogOffset: message.commitLogOffset, group, delayLevel, originMsgId: message.msgId,
      originTopic: message.topic, maxReconsumeTimes, brokerName,
    }, instance.config.requestTimeoutMs);
    return true;
  } catch (error) {
    instance.logger.warn({ err: error, msgId: message.msgId }, 'sendMessageBack failed; re-publishing to the retry topic');
    return republishToRetry(context, message, {
      reconsumeTimes: message.reconsumeTimes + 1, maxReconsumeTimes, delayLevel: 3 + message.reconsumeTimes,
    });
  }
}

export interface RepublishOptions {
  /** The header's reconsumeTimes (>= maxReconsumeTimes sends the copy to the DLQ). */
  reconsumeTimes: number;
  maxReconsumeTimes: number;
  /** DELAY of the copy, or null for none. */
  delayLevel: number | null;
}

/**
 * Sends a copy of `message` to %RETRY%<group> (RETRY_TOPIC, ORIGIN_MESSAGE_ID kept or set,
 * TRAN_MSG cleared), as Java's client producer would. False when it could not be sent.
 */
export async function republishToRetry(
  context: SendBackContext, message: MessageExt, options: RepublishOptions,
): Promise<boolean> {
  const { instance, group } = context;
  const retryTopic = `%RETRY%${group}`;
  const route = instance.route(retryTopic) ?? await instance.updateRoute(retryTopic).catch(() => null);
  const queues = route === null ? [] : publishQueuesOf(retryTopic, route);
  const target = queues[Math.floor(Math.random() * queues.length)];
  const address = target === undefined ? undefined : instance.masterAddress(target.brokerName);
  if (target === undefined || address === undefined) return false;
  const properties: Record<string, string> = { ...message.properties };
  for (const name of [MessageProperty.TRAN_MSG, MessageProperty.RECONSUME_TIME, MessageProperty.MAX_RECONSUME_TIMES,
    MessageProperty.DELAY]) {
    delete properties[name];
  }
  properties[MessageProperty.RETRY_TOPIC] ??= message.topic;
  properties[MessageProperty.ORIGIN_MESSAGE_ID] ??= message.msgId;
  if (options.delayLevel !== null) properties[MessageProperty.DELAY] = String(options.delayLevel);
  const template = new SendTemplate({
    producerGroup: 'CLIENT_INNER_PRODUCER', topic: retryTopic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4,
    queueId: target.queueId, sysFlag: 0, flag: message.flag, reconsumeTimes: options.reconsumeTimes,
    unitMode: false, maxReconsumeTimes: options.maxReconsumeTimes, batch: false, brokerName: target.brokerName,
  });
  try {
    const response = await instance.brokerRemoting.invoke(address,
      new SendRequestCommand(template, Date.now(), properties, message.body), instance.config.requestTimeoutMs);
    parseSendResponse(response, target, message.msgId);
    return true;
  } catch (error) {
    instance.logger.warn({ err: error, msgId: message.msgId }, 're-publishing to the retry topic failed');
    return false;
  }
}
