import type { AccumulatedBatch } from './send-accumulator.js';
import type { SendHost } from './send-call.js';
import type { Message } from './message.js';
import type { MessageQueue } from './message-queue.js';
import { SendRequestCommand, SendTemplate } from './send-frame.js';

/** The header fields of a producer's auto-batched sends that do not depend on the queue. */
export interface BatchHeaderBase {
  readonly producerGroup: string;
  readonly defaultTopic: string;
  readonly defaultTopicQueueNums: number;
}

/**
 * The SendCall host of auto-batched sends (send-accumulator.ts): the producer's own host with
 * the batch as the subject: `check` only asks whether the producer runs (each member was
 * checked when it joined), `prepare` is the batch's body, and the command is a
 * SEND_BATCH_MESSAGE from a per-queue template (sysFlag 0, flag 0, batch true).
 */
export function batchSendHost(base: SendHost<Message>, checkRunning: () => void, header: BatchHeaderBase): SendHost<AccumulatedBatch> {
  const templates = new WeakMap<MessageQueue, SendTemplate>();
  const templateOf = (queue: MessageQueue): SendTemplate => {
    let template = templates.get(queue);
    if (template === undefined) {
      template = new SendTemplate({
        ...header, topic: queue.topic, queueId: queue.queueId, sysFlag: 0, flag: 0, reconsumeTimes: 0, unitMode: false,
        maxReconsumeTimes: undefined, batch: true, brokerName: queue.brokerName,
      });
      templates.set(queue, template);
    }
    return template;
  };
  return {
    ...base,
    check: checkRunning,
    prepare: (batch) => batch.prepared(),
    command: (_batch, prepared, queue, nowMs) => new SendRequestCommand(templateOf(queue), nowMs, prepared.properties, prepared.body),
  };
}
