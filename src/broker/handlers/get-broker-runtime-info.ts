import type { RemotingCommand } from '../../protocol/command.js';
import { PETREL_VERSION_ORDINAL } from '../../protocol/command.js';
import { encodeKvTable } from '../../protocol/bodies/route.js';
import type { Channel } from '../../remoting/channel.js';
import type { ControlContext } from './context.js';
import { success } from './context.js';

/** The version we report in brokerVersionDesc, matching PETREL_VERSION_ORDINAL (409). */
export const BROKER_VERSION_DESC = 'V4_9_8';

/**
 * GET_BROKER_RUNTIME_INFO (28, reference §2.6): a KVTable of string values. TPS values are
 * three space-separated numbers (10 s / 60 s / 600 s in Java); Petrel has one measurement
 * window, repeated, so `clusterList`'s first-token parsing works.
 */
export function getBrokerRuntimeInfo(request: RemotingCommand, _channel: Channel, context: ControlContext): RemotingCommand {
  return success(request, null, encodeKvTable({ table: runtimeTable(context) }));
}

function runtimeTable(context: ControlContext): Record<string, string> {
  const stats = context.store.runtimeStats();
  const nowMs = context.clock.nowMs();
  const tps = stats.putTps.toFixed(2);
  const table: Record<string, number | string> = {
    brokerVersionDesc: BROKER_VERSION_DESC,
    brokerVersion: PETREL_VERSION_ORDINAL,
    bootTimestamp: context.bootTimestampMs,
    runtime: formatRuntime(nowMs - context.bootTimestampMs),
    msgPutTotalTodayNow: stats.putMessageCount,
    msgPutTotalTodayMorning: 0,
    msgPutTotalYesterdayMorning: 0,
    msgGetTotalTodayNow: 0,
    msgGetTotalTodayMorning: 0,
    msgGetTotalYesterdayMorning: 0,
    putTps: `${tps} ${tps} ${tps}`,
    getFoundTps: '0.00 0.00 0.00',
    getMissTps: '0.00 0.00 0.00',
    getTotalTps: '0.00 0.00 0.00',
    getTransferedTps: '0.00 0.00 0.00',
    putMessageTimesTotal: stats.putMessageCount,
    putMessageSizeTotal: stats.putBytes,
    putMessageAverageSize: stats.putMessageCount === 0 ? 0 : stats.putBytes / stats.putMessageCount,
    commitLogMinOffset: stats.minPhysicalOffset,
    commitLogMaxOffset: stats.maxPhysicalOffset,
    remainHowManyDataToFlush: Math.max(0, stats.maxPhysicalOffset - stats.flushedPhysicalOffset),
    dispatchBehindBytes: 0,
    pageCacheLockTimeMills: 0,
    startAcceptSendRequestTimeStamp: context.brokerConfig.current().startAcceptSendRequestTimeStamp,
    earliestMessageTimeStamp: 0,
    sendThreadPoolQueueSize: 0,
    sendThreadPoolQueueCapacity: context.brokerConfig.current().sendThreadPoolQueueCapacity,
    pullThreadPoolQueueSize: 0,
    pullThreadPoolQueueCapacity: 0,
    queryThreadPoolQueueSize: 0,
    queryThreadPoolQueueCapacity: 0,
  };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(table)) out[key] = String(value);
  return out;
}

/** Java's "[ N days, H hours, M minutes, S seconds ]". */
function formatRuntime(elapsedMs: number): string {
  const seconds = Math.floor(elapsedMs / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `[ ${days} days, ${hours} hours, ${minutes} minutes, ${seconds % 60} seconds ]`;
}
