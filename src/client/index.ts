/**
 * Petrel's client SDK: the package's only public surface (`import { Producer } from 'petrel'`).
 * It mirrors the RocketMQ 4.x Java client API used by the seed's examples, in idiomatic
 * TypeScript: promises instead of blocking calls, `as const` objects instead of enums.
 */
export { Producer, type ProducerOptions } from './producer.js';
export {
  LocalTransactionState, type TransactionListener, TransactionProducer, type TransactionProducerOptions,
  TransactionSendResult,
} from './transaction-producer.js';
export { PushConsumer, type PushConsumerOptions } from './push-consumer.js';
export { LitePullConsumer, type LitePullConsumerOptions } from './lite-pull-consumer.js';
export { Message, MessageExt, MessageProperty, type MessageBody, type MessageInit } from './message.js';
export { SendResult, SendStatus, type SendCallback } from './send-result.js';
export type { MessageQueue } from './message-queue.js';
export {
  type MessageQueueSelector, selectMessageQueueByHash, selectMessageQueueByRandom,
} from './selectors.js';
export {
  ConsumeConcurrentlyStatus, type ConsumeConcurrentlyContext, type MessageListenerConcurrently,
} from './consume-service.js';
export {
  ConsumeOrderlyStatus, type ConsumeOrderlyContext, MessageListenerOrderly, type MessageListenerOrderlyFn,
} from './consume-orderly.js';
export { ConsumeFromWhere, MessageModel } from './consumer-common.js';
export { ExpressionType } from './subscription.js';
export { MessageSelector } from './message-selector.js';
export { allocateAveragely, allocateAveragelyByCircle, type AllocateStrategy } from './allocate.js';
export type { ClientOptions } from './client-config.js';
export { MQResponseError } from './errors.js';
export { PetrelError, ErrorCode } from '../common/errors.js';
export { ResponseCode } from '../protocol/response-code.js';
