/** MessageQueue as fastjson writes it (alphabetical members): a map key in admin bodies. */
export interface MessageQueueJson {
  brokerName: string;
  queueId: number;
  topic: string;
}

export function messageQueue(topic: string, brokerName: string, queueId: number): MessageQueueJson {
  return { brokerName, queueId, topic };
}
