/**
 * Load-balanced consumption (RocketMQ example "simple/PushConsumer", CLUSTERING): start several
 * of these with the same group and the topic's queues are split among them; each message is
 * consumed by one of them. Runs until Ctrl-C / SIGTERM, then commits offsets and leaves.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/clustering-consumer.js    (TOPIC, GROUP override the defaults)
 */
import { ConsumeConcurrentlyStatus, PushConsumer } from 'petrel';

const consumer = new PushConsumer({
  groupName: process.env['GROUP'] ?? 'please_rename_unique_group_name_4',
  messageModel: 'CLUSTERING',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe(process.env['TOPIC'] ?? 'TopicTest', '*');
consumer.registerMessageListener(async (messages) => {
  for (const message of messages) {
    console.log(`Receive New Message: queueId=${message.queueId} queueOffset=${message.queueOffset} `
      + `msgId=${message.msgId} body=${message.body.toString()}`);
  }
  return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
});
await consumer.start();
console.log('Consumer Started.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void consumer.shutdown().then(() => process.exit(0));
  });
}
