/**
 * A queue of a topic on one broker, the unit of load balancing and ordering. Queues sort by
 * (topic, brokerName, queueId), as Java's MessageQueue.compareTo does (reference §5.7).
 */
export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export function messageQueue(topic: string, brokerName: string, queueId: number): MessageQueue {
  return { topic, brokerName, queueId };
}

/** A stable map key for a queue. */
export function queueKey(queue: MessageQueue): string {
  return `${queue.topic}@${queue.brokerName}@${queue.queueId}`;
}

export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export function formatQueue(queue: MessageQueue): string {
  return `MessageQueue [topic=${queue.topic}, brokerName=${queue.brokerName}, queueId=${queue.queueId}]`;
}
