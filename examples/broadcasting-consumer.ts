/**
 * Broadcast consumption (RocketMQ example "broadcast/PushConsumer", BROADCASTING): every
 * consumer of the group receives every message; progress is kept in a local file
 * (~/.rocketmq_offsets/<clientId>/<group>/offsets.json). Runs until Ctrl-C / SIGTERM.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/broadcasting-consumer.js  (TOPIC, GROUP override the defaults)
 */
import { ConsumeConcurrentlyStatus, PushConsumer } from 'petrel';

const consumer = new PushConsumer({
  groupName: process.env['GROUP'] ?? 'please_rename_unique_group_name_1',
  messageModel: 'BROADCASTING',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe(process.env['TOPIC'] ?? 'TopicTest', 'TagA || TagC || TagD');
consumer.registerMessageListener((messages) => {
  for (const message of messages) {
    console.log(`Receive New Message: queueId=${message.queueId} msgId=${message.msgId} body=${message.body.toString()}`);
  }
  return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
});
await consumer.start();
console.log('Broadcast Consumer Started.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void consumer.shutdown().then(() => process.exit(0));
  });
}
