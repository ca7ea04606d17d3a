/**
 * Consumer of the delayed messages (RocketMQ tutorial "ScheduledMessageConsumer"): prints how
 * long after its birth (the producer's send) each message arrived, and for a message sent with
 * deliverTimeMs how long after that time. Runs until Ctrl-C / SIGTERM.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/scheduled-consumer.js      (TOPIC, GROUP override the defaults)
 */
import { ConsumeConcurrentlyStatus, PushConsumer } from 'petrel';

const consumer = new PushConsumer({
  groupName: process.env['GROUP'] ?? 'ExampleConsumer',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe(process.env['TOPIC'] ?? 'TestTopic', '*');
consumer.registerMessageListener((messages) => {
  for (const message of messages) {
    const nowMs = Date.now();
    const timed = message.deliverTimeMs > 0 ? `, ${nowMs - message.deliverTimeMs}ms after its deliverTimeMs` : '';
    console.log(`Receive message[msgId=${message.msgId}] ${nowMs - message.bornTimestamp}ms later${timed}`);
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
