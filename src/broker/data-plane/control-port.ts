import type { DataPlaneMessage, DataPlaneReply } from '../control-messages.js';
import type { ControlPort, RegisteredSubscription, TopicView } from './ports.js';
import type { SnapshotTables } from './snapshot-tables.js';

/**
 * The ControlPort over the control plane's typed messages (src/broker/control-messages.ts): on
 * the main thread `send` is `controlPlane.onDataPlaneMessage`; in an I/O thread it is a
 * postMessage round trip. A topic the control plane creates is put into the local tables at
 * once, so the next send does not ask again before the new snapshot arrives.
 */
export type ControlSender = (message: DataPlaneMessage) => DataPlaneReply | Promise<DataPlaneReply>;

export function createControlPort(send: ControlSender, tables: SnapshotTables, onError: (error: unknown) => void): ControlPort {
  const topicReply = async (name: string, message: DataPlaneMessage): Promise<TopicView | null> => {
    const reply = await send(message);
    if (reply.kind !== 'topic' || reply.topic === null) return null;
    const view: TopicView = {
      readQueueNums: reply.topic.readQueueNums, writeQueueNums: reply.topic.writeQueueNums,
      perm: reply.topic.perm, topicSysFlag: reply.topic.topicSysFlag, topicFilterType: reply.topic.topicFilterType,
      order: reply.topic.order,
    };
    tables.putTopic(name, view);
    return view;
  };
  return {
    createTopicFromDefault: (topic, defaultTopic, queueNums, topicSysFlag) =>
      topicReply(topic, { kind: 'create-topic-from-default', topic, defaultTopic, queueNums, topicSysFlag }),
    createSystemTopic: (topic, queueNums, perm) =>
      topicReply(topic, { kind: 'create-system-topic', topic, queueNums, perm }),
    commitOffset(_clientAddress, group, topic, queueId, queueOffset) {
      Promise.resolve()
        .then(() => send({ kind: 'commit-offset', group, topic, queueId, queueOffset }))
        .catch(onError);
    },
    async findSubscription(group, topic): Promise<RegisteredSubscription | null> {
      const reply = await send({ kind: 'find-subscription', group, topic });
      if (reply.kind !== 'subscription' || reply.subscription === null) return null;
      const { subString, subVersion, expressionType } = reply.subscription;
      return { subString, subVersion, expressionType };
    },
  };
}
