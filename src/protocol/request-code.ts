/**
 * RocketMQ 4.9.8 request codes, complete (reference §2.2). `as const`, not an enum.
 * Served by: N = NameServer, B = Broker, C = client callback, - = defined, no handler in 4.9.8.
 */
export const RequestCode = {
  /** B: send, long-name header */
  SEND_MESSAGE: 10,
  /** B: pull / long-poll */
  PULL_MESSAGE: 11,
  /** B: query by key/uniq key via index */
  QUERY_MESSAGE: 12,
  /** — */
  QUERY_BROKER_OFFSET: 13,
  /** B: read committed offset */
  QUERY_CONSUMER_OFFSET: 14,
  /** B: commit offset */
  UPDATE_CONSUMER_OFFSET: 15,
  /** B: create/update topic config */
  UPDATE_AND_CREATE_TOPIC: 17,
  /** B: dump topics.json (slave sync, admin) */
  GET_ALL_TOPIC_CONFIG: 21,
  /** — */
  GET_TOPIC_CONFIG_LIST: 22,
  /** — */
  GET_TOPIC_NAME_LIST: 23,
  /** B: change runtime config (properties body) */
  UPDATE_BROKER_CONFIG: 25,
  /** B */
  GET_BROKER_CONFIG: 26,
  /** — */
  TRIGGER_DELETE_FILES: 27,
  /** B: KVTable of stats */
  GET_BROKER_RUNTIME_INFO: 28,
  /** B */
  SEARCH_OFFSET_BY_TIMESTAMP: 29,
  /** B */
  GET_MAX_OFFSET: 30,
  /** B */
  GET_MIN_OFFSET: 31,
  /** B */
  GET_EARLIEST_MSG_STORETIME: 32,
  /** B: fetch one record by commit-log offset */
  VIEW_MESSAGE_BY_ID: 33,
  /** B: client registration */
  HEART_BEAT: 34,
  /** B */
  UNREGISTER_CLIENT: 35,
  /** B: consumer failure → retry/DLQ */
  CONSUMER_SEND_MSG_BACK: 36,
  /** B: commit/rollback half message */
  END_TRANSACTION: 37,
  /** B: client ids of a group */
  GET_CONSUMER_LIST_BY_GROUP: 38,
  /** C: broker asks producer for txn state (oneway) */
  CHECK_TRANSACTION_STATE: 39,
  /** C: broker tells consumers to rebalance (oneway) */
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  /** B: orderly consumption queue locks */
  LOCK_BATCH_MQ: 41,
  /** B */
  UNLOCK_BATCH_MQ: 42,
  /** B: dump consumerOffset.json (slave sync) */
  GET_ALL_CONSUMER_OFFSET: 43,
  /** B: dump delayOffset.json (slave sync) */
  GET_ALL_DELAY_OFFSET: 45,
  /** B: validate SQL92 subscription */
  CHECK_CLIENT_CONFIG: 46,
  /** B: ACL */
  UPDATE_AND_CREATE_ACL_CONFIG: 50,
  /** B: ACL */
  DELETE_ACL_CONFIG: 51,
  /** B: ACL */
  GET_BROKER_CLUSTER_ACL_INFO: 52,
  /** B: ACL */
  UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: 53,
  /** N */
  PUT_KV_CONFIG: 100,
  /** N */
  GET_KV_CONFIG: 101,
  /** N */
  DELETE_KV_CONFIG: 102,
  /** N: broker heartbeat/registration */
  REGISTER_BROKER: 103,
  /** N */
  UNREGISTER_BROKER: 104,
  /** N: TopicRouteData */
  GET_ROUTEINFO_BY_TOPIC: 105,
  /** N: ClusterInfo */
  GET_BROKER_CLUSTER_INFO: 106,
  /** B */
  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: 200,
  /** B: dump subscriptionGroup.json */
  GET_ALL_SUBSCRIPTIONGROUP_CONFIG: 201,
  /** B: TopicStatsTable */
  GET_TOPIC_STATS_INFO: 202,
  /** B: ConsumerConnection */
  GET_CONSUMER_CONNECTION_LIST: 203,
  /** B: ProducerConnection */
  GET_PRODUCER_CONNECTION_LIST: 204,
  /** N: remove W perm of a broker's queue data */
  WIPE_WRITE_PERM_OF_BROKER: 205,
  /** N: TopicList */
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  /** B */
  DELETE_SUBSCRIPTIONGROUP: 207,
  /** B: ConsumeStats */
  GET_CONSUME_STATS: 208,
  /** — */
  SUSPEND_CONSUMER: 209,
  /** — */
  RESUME_CONSUMER: 210,
  /** — */
  RESET_CONSUMER_OFFSET_IN_CONSUMER: 211,
  /** — */
  RESET_CONSUMER_OFFSET_IN_BROKER: 212,
  /** — */
  ADJUST_CONSUMER_THREAD_POOL: 213,
  /** — */
  WHO_CONSUME_THE_MESSAGE: 214,
  /** B */
  DELETE_TOPIC_IN_BROKER: 215,
  /** N */
  DELETE_TOPIC_IN_NAMESRV: 216,
  /** N */
  GET_KVLIST_BY_NAMESPACE: 219,
  /** C: broker pushes new offsets to consumers (oneway) */
  RESET_CONSUMER_CLIENT_OFFSET: 220,
  /** C */
  GET_CONSUMER_STATUS_FROM_CLIENT: 221,
  /** B: admin "resetOffsetByTime" */
  INVOKE_BROKER_TO_RESET_OFFSET: 222,
  /** B */
  INVOKE_BROKER_TO_GET_CONSUMER_STATUS: 223,
  /** N */
  GET_TOPICS_BY_CLUSTER: 224,
  /** B: GroupList */
  QUERY_TOPIC_CONSUME_BY_WHO: 300,
  /** —: (filter server removed) */
  REGISTER_FILTER_SERVER: 301,
  /** —: client-side only */
  REGISTER_MESSAGE_FILTER_CLASS: 302,
  /** B */
  QUERY_CONSUME_TIME_SPAN: 303,
  /** N */
  GET_SYSTEM_TOPIC_LIST_FROM_NS: 304,
  /** B */
  GET_SYSTEM_TOPIC_LIST_FROM_BROKER: 305,
  /** B */
  CLEAN_EXPIRED_CONSUMEQUEUE: 306,
  /** B→C: broker forwards to client */
  GET_CONSUMER_RUNNING_INFO: 307,
  /** B */
  QUERY_CORRECTION_OFFSET: 308,
  /** B→C: broker forwards to client */
  CONSUME_MESSAGE_DIRECTLY: 309,
  /** B: send, short-name header (default for Java) */
  SEND_MESSAGE_V2: 310,
  /** N */
  GET_UNIT_TOPIC_LIST: 311,
  /** N */
  GET_HAS_UNIT_SUB_TOPIC_LIST: 312,
  /** N */
  GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: 313,
  /** B */
  CLONE_GROUP_OFFSET: 314,
  /** B */
  VIEW_BROKER_STATS_DATA: 315,
  /** B */
  CLEAN_UNUSED_TOPIC: 316,
  /** B */
  GET_BROKER_CONSUME_STATS: 317,
  /** N */
  UPDATE_NAMESRV_CONFIG: 318,
  /** N */
  GET_NAMESRV_CONFIG: 319,
  /** B */
  SEND_BATCH_MESSAGE: 320,
  /** B */
  QUERY_CONSUME_QUEUE: 321,
  /** N: broker asks whether its topic config changed */
  QUERY_DATA_VERSION: 322,
  /** B */
  RESUME_CHECK_HALF_MESSAGE: 323,
  /** B: request/reply */
  SEND_REPLY_MESSAGE: 324,
  /** B */
  SEND_REPLY_MESSAGE_V2: 325,
  /** C */
  PUSH_REPLY_MESSAGE_TO_CLIENT: 326,
  /** N */
  ADD_WRITE_PERM_OF_BROKER: 327,
  /** B */
  GET_ALL_PRODUCER_INFO: 328,
  /** B */
  DELETE_EXPIRED_COMMITLOG: 329,
} as const;
export type RequestCode = (typeof RequestCode)[keyof typeof RequestCode];

const NAMES = new Map<number, string>(Object.entries(RequestCode).map(([name, code]) => [code, name]));

export function requestCodeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN_${code}`;
}
