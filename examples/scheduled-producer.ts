/**
 * Delayed messages (RocketMQ tutorial "ScheduledMessageProducer"): each message waits on the
 * broker before consumers see it — `delayTimeLevel` picks one of the broker's messageDelayLevel
 * steps (default 1s 5s 10s 30s 1m ... 2h; level 3 = 10 s). Beyond RocketMQ 4, `deliverTimeMs`
 * delivers at any epoch millisecond (set DELIVER_AFTER_MS to use it instead of a level).
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/scheduled-producer.js
 *       (TOPIC, MESSAGE_COUNT, DELAY_LEVEL (default 3), DELIVER_AFTER_MS override the defaults)
 */
import { Message, Producer } from 'petrel';

const topic = process.env['TOPIC'] ?? 'TestTopic';
const messageCount = Number(process.env['MESSAGE_COUNT'] ?? 100);
const delayLevel = Number(process.env['DELAY_LEVEL'] ?? 3);
const deliverAfterMs = process.env['DELIVER_AFTER_MS'];

const producer = new Producer({ groupName: 'ExampleProducerGroup' });
await producer.start();
for (let i = 0; i < messageCount; i++) {
  const message = new Message(topic, `Hello scheduled message ${i}`);
  if (deliverAfterMs === undefined) message.delayTimeLevel = delayLevel;
  else message.deliverTimeMs = Date.now() + Number(deliverAfterMs);
  const sendResult = await producer.send(message);
  console.log(`${sendResult.sendStatus} msgId=${sendResult.msgId}`);
}
await producer.shutdown();
