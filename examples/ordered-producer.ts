/**
 * Partition-ordered messages (RocketMQ tutorial "OrderedProducer"): every step of an order
 * (created, paid, shipped, completed) goes to the same queue, chosen by a MessageQueueSelector
 * on the order id, so an orderly consumer sees each order's steps in order. Steps of different
 * orders interleave, as in the tutorial.
 *
 *   export NAMESRV_ADDR=localhost:9876
 *   node dist/examples/ordered-producer.js        (TOPIC, ORDER_COUNT override the defaults)
 */
import { Message, type MessageQueue, Producer } from 'petrel';

const topic = process.env['TOPIC'] ?? 'OrderTopic';
const orderCount = Number(process.env['ORDER_COUNT'] ?? 3);
const steps = ['created', 'paid', 'shipped', 'completed'];
const tags = ['TagA', 'TagC', 'TagD'];

interface OrderStep {
  orderId: number;
  desc: string;
}

/** The tutorial's buildOrders: each order's steps in order, orders interleaved. */
function buildOrders(): OrderStep[] {
  const orders: OrderStep[] = [];
  for (const desc of steps) {
    for (let i = 0; i < orderCount; i++) orders.push({ orderId: 15103111039 + i * 26, desc });
  }
  return orders;
}

const producer = new Producer({ groupName: 'please_rename_unique_group_name' });
await producer.start();
const orders = buildOrders();
for (let i = 0; i < orders.length; i++) {
  const step = orders[i] as OrderStep;
  const body = `${new Date().toISOString()} Hello RocketMQ OrderStep{orderId=${step.orderId}, desc='${step.desc}'}`;
  const message = new Message(topic, tags[i % tags.length] as string, `KEY${i}`, body);
  const sendResult = await producer.send(message, (queues: readonly MessageQueue[], _message: Message, orderId: number) => {
    return queues[orderId % queues.length] as MessageQueue;
  }, step.orderId);
  console.log(`${sendResult.sendStatus} queueId:${sendResult.messageQueue.queueId} body:${body}`);
}
await producer.shutdown();
