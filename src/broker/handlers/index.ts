import { RequestCode } from '../../protocol/request-code.js';
import { checkClientConfig } from './check-client-config.js';
import { consumerSendMsgBack } from './consumer-send-msg-back.js';
import type { ControlHandler } from './context.js';
import { deleteSubscriptiongroup } from './delete-subscriptiongroup.js';
import { deleteTopicInBroker } from './delete-topic-in-broker.js';
import { endTransaction } from './end-transaction.js';
import { getAllConsumerOffset } from './get-all-consumer-offset.js';
import { getAllDelayOffset } from './get-all-delay-offset.js';
import { getAllSubscriptiongroupConfig } from './get-all-subscriptiongroup-config.js';
import { getAllTopicConfig } from './get-all-topic-config.js';
import { getBrokerConfig } from './get-broker-config.js';
import { getBrokerRuntimeInfo } from './get-broker-runtime-info.js';
import { getConsumeStats } from './get-consume-stats.js';
import { getConsumerConnectionList } from './get-consumer-connection-list.js';
import { getConsumerListByGroup } from './get-consumer-list-by-group.js';
import { getProducerConnectionList } from './get-producer-connection-list.js';
import { getSystemTopicListFromBroker } from './get-system-topic-list-from-broker.js';
import { getTopicStatsInfo } from './get-topic-stats-info.js';
import { heartBeat } from './heart-beat.js';
import { invokeBrokerToResetOffset } from './invoke-broker-to-reset-offset.js';
import { lockBatchMq } from './lock-batch-mq.js';
import { queryConsumerOffset } from './query-consumer-offset.js';
import { queryTopicConsumeByWho } from './query-topic-consume-by-who.js';
import { unlockBatchMq } from './unlock-batch-mq.js';
import { unregisterClient } from './unregister-client.js';
import { updateAndCreateSubscriptiongroup } from './update-and-create-subscriptiongroup.js';
import { updateAndCreateTopic } from './update-and-create-topic.js';
import { updateBrokerConfig } from './update-broker-config.js';
import { updateConsumerOffset } from './update-consumer-offset.js';

/** Request code → control-plane handler. Codes absent here get REQUEST_CODE_NOT_SUPPORTED. */
export const CONTROL_HANDLERS: ReadonlyMap<number, ControlHandler> = new Map<number, ControlHandler>([
  [RequestCode.HEART_BEAT, heartBeat],
  [RequestCode.UNREGISTER_CLIENT, unregisterClient],
  [RequestCode.CHECK_CLIENT_CONFIG, checkClientConfig],
  [RequestCode.GET_CONSUMER_LIST_BY_GROUP, getConsumerListByGroup],
  [RequestCode.QUERY_CONSUMER_OFFSET, queryConsumerOffset],
  [RequestCode.UPDATE_CONSUMER_OFFSET, updateConsumerOffset],
  [RequestCode.CONSUMER_SEND_MSG_BACK, consumerSendMsgBack],
  [RequestCode.UPDATE_AND_CREATE_TOPIC, updateAndCreateTopic],
  [RequestCode.DELETE_TOPIC_IN_BROKER, deleteTopicInBroker],
  [RequestCode.GET_ALL_TOPIC_CONFIG, getAllTopicConfig],
  [RequestCode.GET_TOPIC_STATS_INFO, getTopicStatsInfo],
  [RequestCode.GET_BROKER_RUNTIME_INFO, getBrokerRuntimeInfo],
  [RequestCode.GET_CONSUMER_CONNECTION_LIST, getConsumerConnectionList],
  [RequestCode.GET_PRODUCER_CONNECTION_LIST, getProducerConnectionList],
  [RequestCode.GET_CONSUME_STATS, getConsumeStats],
  [RequestCode.GET_BROKER_CONFIG, getBrokerConfig],
  [RequestCode.UPDATE_BROKER_CONFIG, updateBrokerConfig],
  [RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, updateAndCreateSubscriptiongroup],
  [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, getAllSubscriptiongroupConfig],
  [RequestCode.DELETE_SUBSCRIPTIONGROUP, deleteSubscriptiongroup],
  [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, invokeBrokerToResetOffset],
  [RequestCode.GET_ALL_CONSUMER_OFFSET, getAllConsumerOffset],
  [RequestCode.GET_ALL_DELAY_OFFSET, getAllDelayOffset],
  [RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, queryTopicConsumeByWho],
  [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, getSystemTopicListFromBroker],
  [RequestCode.LOCK_BATCH_MQ, lockBatchMq],
  [RequestCode.UNLOCK_BATCH_MQ, unlockBatchMq],
  [RequestCode.END_TRANSACTION, endTransaction],
]);
