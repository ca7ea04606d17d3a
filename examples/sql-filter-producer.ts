/**
 * Messages for SQL92 filtering (RocketMQ tutorial "SqlFilterProducer"): each carries a user
 * property `a` = 0..9 that consumers can select on (see sql-filter-consumer.ts). The broker must
 * run with enablePropertyFilter=true.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/sql-filter-producer.js     (TOPIC, MESSAGE_COUNT override the defaults)
 */
import { Message, Producer } from 'petrel';

const topic = process.env['TOPIC'] ?? 'SqlFilterTest';
const messageCount = Number(process.env['MESSAGE_COUNT'] ?? 10);
const tags = ['TagA', 'TagB', 'TagC'];

const producer = new Producer({ groupName: 'please_rename_unique_group_name' });
await producer.start();
for (let i = 0; i < messageCount; i++) {
  const message = new Message(topic, tags[i % tags.length] as string, `Hello RocketMQ ${i}`);
  message.putUserProperty('a', String(i));
  const sendResult = await producer.send(message);
  console.log(sendResult.toString());
}
await producer.shutdown();
