import { assert } from '../common/assert.js';
import type { Logger } from '../common/log.js';
import {
  type BrokerData, type ClusterInfo, type DataVersion, Perm, type QueueData, type TopicConfig,
  type TopicRouteData, dataVersionEquals,
} from '../protocol/bodies/route.js';
import type { Channel } from '../remoting/channel.js';

/**
 * The NameServer's routing state (RocketMQ's RouteInfoManager, reference §2.5). In memory only:
 * brokers re-register every 30 s, so a restarted NameServer is whole again within one period.
 *
 *   topicQueueTable   topic → brokerName → QueueData   (what GET_ROUTEINFO_BY_TOPIC answers from)
 *   brokerAddrTable   brokerName → BrokerData {cluster, brokerAddrs: brokerId → "ip:port"}
 *   clusterAddrTable  cluster → set of brokerName
 *   brokerLiveTable   brokerAddr → {lastUpdateMs, dataVersion, channel, haServerAddr}
 *
 * Invariant: every brokerName in clusterAddrTable or in a topic's queue map has a BrokerData
 * with at least one address, or was just removed from all three together. Single-threaded
 * (main thread); every method leaves the tables consistent.
 */
export const MASTER_ID = 0;

export interface BrokerLiveInfo {
  lastUpdateMs: number;
  dataVersion: DataVersion;
  channel: Channel;
  haServerAddr: string;
}

export interface RegisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  dataVersion: DataVersion;
  topicConfigTable: Readonly<Record<string, TopicConfig>>;
  channel: Channel;
}

export interface RegisterBrokerResult {
  /** Set for a slave whose master is registered and alive. */
  masterAddr?: string;
  haServerAddr?: string;
}

export interface BrokerIdentity {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
}

export class RouteTable {
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerAddrTable = new Map<string, BrokerData>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();

  constructor(private readonly logger: Logger) {}

  registerBroker(input: RegisterBrokerInput, nowMs: number): RegisterBrokerResult {
    let brokerNames = this.clusterAddrTable.get(input.clusterName);
    if (brokerNames === undefined) {
      brokerNames = new Set();
      this.clusterAddrTable.set(input.clusterName, brokerNames);
    }
    brokerNames.add(input.brokerName);
    let brokerData = this.brokerAddrTable.get(input.brokerName);
    let registerFirst = brokerData === undefined;
    if (brokerData === undefined) {
      brokerData = { cluster: input.clusterName, brokerName: input.brokerName, brokerAddrs: new Map() };
      this.brokerAddrTable.set(input.brokerName, brokerData);
    }
    // A slave promoted to master (or the reverse) keeps its address under a new id: drop the old id.
    for (const [brokerId, address] of [...brokerData.brokerAddrs]) {
      if (address === input.brokerAddr && brokerId !== input.brokerId) brokerData.brokerAddrs.delete(brokerId);
    }
    const previousAddr = brokerData.brokerAddrs.get(input.brokerId);
    brokerData.brokerAddrs.set(input.brokerId, input.brokerAddr);
    registerFirst ||= previousAddr === undefined;
    if (input.brokerId === MASTER_ID && (registerFirst || this.dataVersionChanged(input.brokerAddr, input.dataVersion))) {
      for (const config of Object.values(input.topicConfigTable)) this.upsertQueueData(input.brokerName, config);
    }
    const previousLive = this.brokerLiveTable.get(input.brokerAddr);
    this.brokerLiveTable.set(input.brokerAddr, {
      lastUpdateMs: nowMs, dataVersion: { ...input.dataVersion }, channel: input.channel,
      haServerAddr: input.haServerAddr,
    });
    if (previousLive === undefined) {
      this.logger.info({ ...identityOf(input), haServerAddr: input.haServerAddr }, 'new broker registered');
    }
    return this.masterOf(brokerData, input.brokerId);
  }

  unregisterBroker(identity: BrokerIdentity): void {
    const live = this.brokerLiveTable.get(identity.brokerAddr);
    this.brokerLiveTable.delete(identity.brokerAddr);
    this.logger.info({ ...identity, wasLive: live !== undefined }, 'broker unregistered');
    const brokerData = this.brokerAddrTable.get(identity.brokerName);
    if (brokerData === undefined) return;
    brokerData.brokerAddrs.delete(identity.brokerId);
    if (brokerData.brokerAddrs.size === 0) this.removeBrokerName(identity.brokerName, identity.clusterName);
  }

  /**
   * A connection closed: drop the broker registered over it (RocketMQ's onChannelDestroy).
   * Returns the dropped broker address, or undefined when the channel was not a broker's.
   */
  channelClosed(channel: Channel): string | undefined {
    for (const [brokerAddr, live] of this.brokerLiveTable) {
      if (live.channel === channel) {
        this.dropBrokerAddr(brokerAddr, 'channel closed');
        return brokerAddr;
      }
    }
    return undefined;
  }

  /** Drops brokers silent for `expiryMs` or more, closing their channels. Returns the dropped addresses. */
  scanNotActiveBrokers(nowMs: number, expiryMs: number): string[] {
    assert(expiryMs > 0, 'expiryMs must be > 0');
    const dropped: string[] = [];
    for (const [brokerAddr, live] of [...this.brokerLiveTable]) {
      if (nowMs - live.lastUpdateMs < expiryMs) continue;
      this.dropBrokerAddr(brokerAddr, `no registration for ${nowMs - live.lastUpdateMs} ms`);
      live.channel.close(`broker ${brokerAddr} expired`);
      dropped.push(brokerAddr);
    }
    return dropped;
  }

  /** True when the stored data version for `brokerAddr` is missing or differs. */
  dataVersionChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    const live = this.brokerLiveTable.get(brokerAddr);
    return live === undefined || !dataVersionEquals(live.dataVersion, dataVersion);
  }

  liveInfo(brokerAddr: string): BrokerLiveInfo | undefined {
    return this.brokerLiveTable.get(brokerAddr);
  }

  /** QUERY_DATA_VERSION with an unchanged version counts as a heartbeat. */
  touch(brokerAddr: string, nowMs: number): void {
    const live = this.brokerLiveTable.get(brokerAddr);
    if (live !== undefined) live.lastUpdateMs = nowMs;
  }

  /** The topic's route, or undefined unless it has queue data and at least one live broker entry. */
  topicRoute(topic: string): TopicRouteData | undefined {
    const queueMap = this.topicQueueTable.get(topic);
    if (queueMap === undefined || queueMap.size === 0) return undefined;
    const brokerDatas: BrokerData[] = [];
    for (const brokerName of queueMap.keys()) {
      const brokerData = this.brokerAddrTable.get(brokerName);
      if (brokerData !== undefined) brokerDatas.push(cloneBrokerData(brokerData));
    }
    if (brokerDatas.length === 0) return undefined;
    return {
      queueDatas: [...queueMap.values()].map((queueData) => ({ ...queueData })),
      brokerDatas,
      filterServerTable: {},
    };
  }

  clusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = {};
    for (const [name, data] of this.brokerAddrTable) brokerAddrTable[name] = cloneBrokerData(data);
    const clusterAddrTable: Record<string, string[]> = {};
    for (const [cluster, names] of this.clusterAddrTable) clusterAddrTable[cluster] = [...names];
    return { brokerAddrTable, clusterAddrTable };
  }

  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  topicsOfCluster(cluster: string): string[] {
    const brokerNames = this.clusterAddrTable.get(cluster);
    if (brokerNames === undefined) return [];
    const topics: string[] = [];
    for (const [topic, queueMap] of this.topicQueueTable) {
      if ([...queueMap.keys()].some((brokerName) => brokerNames.has(brokerName))) topics.push(topic);
    }
    return topics;
  }

  /** Cluster and broker names (RocketMQ's system topics) and one broker address. */
  systemTopics(): { topicList: string[]; brokerAddr: string | undefined } {
    const topicList: string[] = [];
    let brokerAddr: string | undefined;
    for (const [cluster, names] of this.clusterAddrTable) {
      topicList.push(cluster);
      for (const name of names) {
        topicList.push(name);
        const address = this.brokerAddrTable.get(name)?.brokerAddrs.values().next().value;
        if (address !== undefined) brokerAddr = address;
      }
    }
    return { topicList, brokerAddr };
  }

  /** Removes the topic, or only its queues on brokers of `clusterName` when given. */
  deleteTopic(topic: string, clusterName?: string): void {
    const queueMap = this.topicQueueTable.get(topic);
    if (queueMap === undefined) return;
    if (clusterName === undefined || clusterName === '') {
      this.topicQueueTable.delete(topic);
      return;
    }
    const brokerNames = this.clusterAddrTable.get(clusterName) ?? new Set<string>();
    for (const brokerName of brokerNames) queueMap.delete(brokerName);
    if (queueMap.size === 0) this.topicQueueTable.delete(topic);
  }

  /** Clears (wipe) or restores (add: perm = R|W) write permission on every queue of a broker. */
  changeWritePerm(brokerName: string, operation: 'wipe' | 'add'): number {
    let topicCount = 0;
    for (const queueMap of this.topicQueueTable.values()) {
      const queueData = queueMap.get(brokerName);
      if (queueData === undefined) continue;
      queueData.perm = operation === 'wipe' ? queueData.perm & ~Perm.WRITE : Perm.READ | Perm.WRITE;
      topicCount += 1;
    }
    return topicCount;
  }

  private upsertQueueData(brokerName: string, config: TopicConfig): void {
    let queueMap = this.topicQueueTable.get(config.topicName);
    if (queueMap === undefined) {
      queueMap = new Map();
      this.topicQueueTable.set(config.topicName, queueMap);
      this.logger.info({ topic: config.topicName, brokerName }, 'new topic registered');
    }
    queueMap.set(brokerName, {
      brokerName, readQueueNums: config.readQueueNums, writeQueueNums: config.writeQueueNums,
      perm: config.perm, topicSysFlag: config.topicSysFlag,
    });
  }

  private masterOf(brokerData: BrokerData, brokerId: number): RegisterBrokerResult {
    if (brokerId === MASTER_ID) return {};
    const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
    if (masterAddr === undefined) return {};
    const masterLive = this.brokerLiveTable.get(masterAddr);
    if (masterLive === undefined) return {};
    return { masterAddr, haServerAddr: masterLive.haServerAddr };
  }

  private dropBrokerAddr(brokerAddr: string, reason: string): void {
    this.brokerLiveTable.delete(brokerAddr);
    this.logger.warn({ brokerAddr, reason }, 'broker dropped');
    for (const [brokerName, brokerData] of [...this.brokerAddrTable]) {
      for (const [brokerId, address] of [...brokerData.brokerAddrs]) {
        if (address === brokerAddr) brokerData.brokerAddrs.delete(brokerId);
      }
      if (brokerData.brokerAddrs.size === 0) this.removeBrokerName(brokerName, brokerData.cluster);
    }
  }

  /** The broker name has no address left: remove it from its cluster and every topic. */
  private removeBrokerName(brokerName: string, clusterName: string): void {
    this.brokerAddrTable.delete(brokerName);
    for (const [cluster, names] of this.clusterAddrTable) {
      if (cluster !== clusterName && !names.has(brokerName)) continue;
      names.delete(brokerName);
      if (names.size === 0) this.clusterAddrTable.delete(cluster);
    }
    for (const [topic, queueMap] of [...this.topicQueueTable]) {
      if (!queueMap.delete(brokerName)) continue;
      if (queueMap.size === 0) {
        this.topicQueueTable.delete(topic);
        this.logger.info({ topic }, 'topic removed: no broker left');
      }
    }
    assert(!this.brokerAddrTable.has(brokerName), 'broker name still present after removal');
  }
}

function cloneBrokerData(data: BrokerData): BrokerData {
  return { cluster: data.cluster, brokerName: data.brokerName, brokerAddrs: new Map(data.brokerAddrs) };
}

function identityOf(input: RegisterBrokerInput): BrokerIdentity {
  return {
    clusterName: input.clusterName, brokerAddr: input.brokerAddr, brokerName: input.brokerName,
    brokerId: input.brokerId,
  };
}
