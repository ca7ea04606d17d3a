/**
 * Asynchronous send (RocketMQ example "simple/AsyncProducer"): the callback form of `send`,
 * many sends in flight at once; waits until every callback has run.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/async-producer.js         (TOPIC, MESSAGE_COUNT override the defaults)
 */
import { Message, Producer, type SendResult } from 'petrel';

const topic = process.env['TOPIC'] ?? 'TopicTest';
const messageCount = Number(process.env['MESSAGE_COUNT'] ?? 100);

const producer = new Producer({ groupName: 'please_rename_unique_group_name', retryTimesWhenSendAsyncFailed: 0 });
await producer.start();
let pending = messageCount;
await new Promise<void>((allDone) => {
  for (let i = 0; i < messageCount; i++) {
    const message = new Message(topic, 'TagA', `OrderID${i}`, `Hello world ${i}`);
    producer.send(message, {
      onSuccess(sendResult: SendResult) {
        console.log(`${i} OK ${sendResult.msgId}`);
        if (--pending === 0) allDone();
      },
      onException(error: Error) {
        console.log(`${i} Exception ${error.message}`);
        if (--pending === 0) allDone();
      },
    });
  }
});
await producer.shutdown();
