/**
 * SQL92 filtering (RocketMQ tutorial "SqlFilterConsumer"): `MessageSelector.bySql` selects on
 * message properties, evaluated by the broker (which must run with enablePropertyFilter=true;
 * otherwise, or when the expression does not compile, start() fails with the broker's verdict).
 * Only messages with 0 <= a <= 3 arrive. Runs until Ctrl-C / SIGTERM.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/sql-filter-consumer.js     (TOPIC, GROUP, SQL override the defaults)
 */
import { ConsumeConcurrentlyStatus, MessageSelector, PushConsumer } from 'petrel';

const consumer = new PushConsumer({
  groupName: process.env['GROUP'] ?? 'please_rename_unique_group_name_4',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe(process.env['TOPIC'] ?? 'SqlFilterTest', MessageSelector.bySql(process.env['SQL'] ?? 'a between 0 and 3'));
consumer.registerMessageListener((messages) => {
  for (const message of messages) {
    console.log(`Receive New Message: a=${message.getUserProperty('a')} tags=${message.tags} body=${message.body.toString()}`);
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
