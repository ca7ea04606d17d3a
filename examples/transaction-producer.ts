/**
 * Transactional messages (RocketMQ tutorial "TransactionProducer"): each message is sent as a
 * half message, invisible to consumers, then the local transaction runs
 * (transaction-listener.ts) and decides: commit (consumers get it), rollback (they never do) or
 * unknown (the broker asks this producer group later, CHECK_TRANSACTION_STATE). The producer
 * keeps running so it can answer those checks; stop it with Ctrl-C / SIGTERM (or RUN_FOR_MS).
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/transaction-producer.js    (TOPIC, RUN_FOR_MS override the defaults)
 */
import { Message, TransactionProducer } from 'petrel';
import { TransactionListenerImpl } from './transaction-listener.js';

const topic = process.env['TOPIC'] ?? 'TransactionTopic';
const runForMs = Number(process.env['RUN_FOR_MS'] ?? 100_000_000);

const producer = new TransactionProducer({ groupName: 'please_rename_unique_group_name' });
producer.setTransactionListener(new TransactionListenerImpl());
await producer.start();
for (const [i, tag] of ['TagA', 'TagB', 'TagC'].entries()) {
  const message = new Message(topic, tag, `KEY${i}`, `Hello RocketMQ ${i}`);
  const sendResult = await producer.sendMessageInTransaction(message, null);
  console.log(sendResult.toString());
}

const stop = (): void => {
  void producer.shutdown().then(() => process.exit(0));
};
setTimeout(stop, runForMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
