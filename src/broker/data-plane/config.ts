import { assert } from '../../common/assert.js';
import { parseDelayLevels } from '../../store/config.js';
import { PULL_BODY_BYTES_MAX, PULL_MESSAGES_MAX } from './bounds.js';

/**
 * The part of the broker config the data plane reads, derived once on the main thread and
 * posted to every I/O thread (plain and structured-cloneable). Key names are RocketMQ's.
 */
export interface DataPlaneConfig {
  readonly brokerName: string;
  readonly brokerClusterName: string;
  readonly brokerRole: string;
  readonly brokerPermission: number;
  /** brokerIP1 and listenPort: the store host written into records and offset msgIds. */
  readonly storeHostIp: string;
  readonly storeHostPort: number;
  readonly maxMessageSize: number;
  readonly autoCreateTopicEnable: boolean;
  readonly autoCreateSubscriptionGroup: boolean;
  readonly longPollingEnable: boolean;
  readonly shortPollingTimeMills: number;
  readonly regionId: string;
  readonly traceOn: boolean;
  readonly startAcceptSendRequestTimeStamp: number;
  readonly rejectTransactionMessage: boolean;
  readonly enablePropertyFilter: boolean;
  /** messageDelayLevel parsed: delay of level i (1-based) at index i - 1, in ms. */
  readonly delayLevelsMs: readonly number[];
  /** Send queue (send-queue.ts): a send the store cannot take yet waits up to this long. */
  readonly waitTimeMillsInSendQueue: number;
  readonly brokerFastFailureEnable: boolean;
  /** Sends that may wait per I/O thread. */
  readonly sendThreadPoolQueueCapacity: number;
  /** Bytes per pull body at most (at least one whole record); also the size of a pull body slot. */
  readonly maxTransferBytesOnMessageInMemory: number;
  /** Messages per pull at most. */
  readonly maxTransferCountOnMessageInMemory: number;
}

/** The broker config keys `dataPlaneConfigFrom` reads (a structural subset of BrokerConfig). */
export type DataPlaneConfigSource = Omit<DataPlaneConfig,
  'storeHostIp' | 'storeHostPort' | 'delayLevelsMs' | 'maxTransferBytesOnMessageInMemory' | 'maxTransferCountOnMessageInMemory'> & {
  readonly listenPort: number;
  readonly messageDelayLevel: string;
  /** Absent: the schema's defaults (PULL_BODY_BYTES_MAX, PULL_MESSAGES_MAX). */
  readonly maxTransferBytesOnMessageInMemory?: number;
  readonly maxTransferCountOnMessageInMemory?: number;
};

export function dataPlaneConfigFrom(source: DataPlaneConfigSource, brokerIp: string, listenPort = source.listenPort): DataPlaneConfig {
  assert(brokerIp !== '', 'brokerIp must be resolved before the data plane starts');
  return Object.freeze({
    brokerName: source.brokerName,
    brokerClusterName: source.brokerClusterName,
    brokerRole: source.brokerRole,
    brokerPermission: source.brokerPermission,
    storeHostIp: brokerIp,
    storeHostPort: listenPort,
    maxMessageSize: source.maxMessageSize,
    autoCreateTopicEnable: source.autoCreateTopicEnable,
    autoCreateSubscriptionGroup: source.autoCreateSubscriptionGroup,
    longPollingEnable: source.longPollingEnable,
    shortPollingTimeMills: source.shortPollingTimeMills,
    regionId: source.regionId,
    traceOn: source.traceOn,
    startAcceptSendRequestTimeStamp: source.startAcceptSendRequestTimeStamp,
    rejectTransactionMessage: source.rejectTransactionMessage,
    enablePropertyFilter: source.enablePropertyFilter,
    delayLevelsMs: Object.freeze(parseDelayLevels(source.messageDelayLevel)),
    waitTimeMillsInSendQueue: source.waitTimeMillsInSendQueue,
    brokerFastFailureEnable: source.brokerFastFailureEnable,
    sendThreadPoolQueueCapacity: source.sendThreadPoolQueueCapacity,
    maxTransferBytesOnMessageInMemory: source.maxTransferBytesOnMessageInMemory ?? PULL_BODY_BYTES_MAX,
    maxTransferCountOnMessageInMemory: source.maxTransferCountOnMessageInMemory ?? PULL_MESSAGES_MAX,
  });
}
