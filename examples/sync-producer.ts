/**
 * Synchronous send (RocketMQ example "simple/SyncProducer"): wait for each SendResult.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/sync-producer.js          (TOPIC, MESSAGE_COUNT override the defaults)
 */
import { Message, Producer } from 'petrel';

const topic = process.env['TOPIC'] ?? 'TopicTest';
const messageCount = Number(process.env['MESSAGE_COUNT'] ?? 100);

const producer = new Producer({ groupName: 'please_rename_unique_group_name' });
await producer.start();
for (let i = 0; i < messageCount; i++) {
  const message = new Message(topic, 'TagA', `Hello RocketMQ ${i}`);
  message.keys = `OrderID${i}`;
  const sendResult = await producer.send(message);
  console.log(sendResult.toString());
}
await producer.shutdown();
