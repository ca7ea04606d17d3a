/**
 * One-way send (RocketMQ example "simple/OnewayProducer"): no reply, for logs and metrics where
 * a rare loss is acceptable.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/oneway-producer.js        (TOPIC, MESSAGE_COUNT override the defaults)
 */
import { Message, Producer } from 'petrel';

const topic = process.env['TOPIC'] ?? 'TopicTest';
const messageCount = Number(process.env['MESSAGE_COUNT'] ?? 100);

const producer = new Producer({ groupName: 'please_rename_unique_group_name' });
await producer.start();
for (let i = 0; i < messageCount; i++) {
  await producer.sendOneway(new Message(topic, 'TagA', `Hello RocketMQ ${i}`));
}
console.log(`sent ${messageCount} one-way messages`);
// Give the last writes a moment to leave before the connections close.
await new Promise((resolve) => setTimeout(resolve, 200));
await producer.shutdown();
