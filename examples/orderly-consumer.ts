/**
 * Orderly consumption (RocketMQ tutorial "ConsumerInOrder"): a MessageListenerOrderly consumes
 * each queue one batch at a time, in order, while holding the queue's broker lock; start several
 * with the same group and the queues are split among them without ever being consumed by two at
 * once. Runs until Ctrl-C / SIGTERM, then commits offsets, unlocks its queues and leaves.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/orderly-consumer.js        (TOPIC, GROUP override the defaults)
 */
import { ConsumeOrderlyStatus, MessageListenerOrderly, PushConsumer } from 'petrel';

const consumer = new PushConsumer({
  groupName: process.env['GROUP'] ?? 'please_rename_unique_group_name_3',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe(process.env['TOPIC'] ?? 'OrderTopic', 'TagA || TagC || TagD');
consumer.registerMessageListener(new MessageListenerOrderly(async (messages, context) => {
  context.autoCommit = true;
  for (const message of messages) {
    console.log(`consumer pid ${process.pid} queueId=${message.queueId}, content:${message.body.toString()}`);
  }
  return ConsumeOrderlyStatus.SUCCESS;
}));
await consumer.start();
console.log('Consumer Started.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void consumer.shutdown().then(() => process.exit(0));
  });
}
