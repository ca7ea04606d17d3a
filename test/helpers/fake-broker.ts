/**
 * Scriptable in-process NameServer and Broker for SDK tests (STYLE §10 "Fakes"), built on the
 * real RemotingServer so the SDK talks real frames over loopback TCP. The broker keeps records
 * in memory per queue (encoded with the real record codec), auto-creates topics from TBW102,
 * serves sends, long-polled pulls with tag filtering, offsets, consumer lists (from
 * heartbeats, with NOTIFY_CONSUMER_IDS_CHANGED on change) and send-back to %RETRY%<group>.
 * `failSends` scripts send failures to exercise retries and fault avoidance.
 */
import { silentLogger } from '../../src/common/log.js';
import { type RemotingCommand, createRequest, createResponse } from '../../src/protocol/command.js';
import { encodeTopicRouteData, type TopicRouteData } from '../../src/protocol/bodies/route.js';
import { decodeBatch } from '../../src/protocol/batch.js';
import { encodeOffsetMsgId } from '../../src/protocol/message-id.js';
import { appendProperty, decodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord } from '../../src/protocol/record.js';
import { decodeRecord } from '../../src/protocol/record-decode.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { Channel } from '../../src/remoting/channel.js';
import { RemotingServer } from '../../src/remoting/server.js';

type Reply = RemotingCommand | null | Promise<RemotingCommand | null>;

interface StoredQueue {
  records: Buffer[];
  waiters: Array<() => void>;
}

export interface FakeBrokerOptions {
  brokerName?: string;
  queueNums?: number;
  /** Max time a pull with no messages is held (ms). Default 200. */
  holdMs?: number;
}

export class FakeBroker {
  readonly brokerName: string;
  readonly topics = new Map<string, number>();
  readonly queues = new Map<string, StoredQueue>();
  readonly offsets = new Map<string, number>();
  readonly consumers = new Map<string, Map<string, Channel>>();
  readonly requestCounts = new Map<number, number>();
  /** Answer CONSUMER_SEND_MSG_BACK with SYSTEM_ERROR (the client must fall back). */
  failSendBack = false;
  /** Response codes to answer the next sends with (consumed one per send). */
  readonly failSends: number[] = [];
  /** Delays (ms) before answering the next sends (consumed one per send). */
  readonly delaySends: number[] = [];
  private readonly server: RemotingServer;
  private physicalOffset = 0;
  private readonly queueNums: number;
  private readonly holdMs: number;

  constructor(options: FakeBrokerOptions = {}) {
    this.brokerName = options.brokerName ?? 'broker-a';
    this.queueNums = options.queueNums ?? 4;
    this.holdMs = options.holdMs ?? 200;
    this.topics.set('TBW102', 8);
    this.server = new RemotingServer({ port: 0, host: '127.0.0.1', logger: silentLogger, handler: (c, ch) => this.handle(c, ch) });
  }

  async start(): Promise<this> {
    await this.server.listen();
    return this;
  }

  get address(): string {
    return `127.0.0.1:${this.server.port}`;
  }

  async close(): Promise<void> {
    for (const queue of this.queues.values()) for (const wake of queue.waiters.splice(0)) wake();
    await this.server.close();
  }

  createTopic(topic: string, queueNums = this.queueNums): void {
    this.topics.set(topic, queueNums);
  }

  /** Decoded stored messages of a topic (all queues). */
  stored(topic: string): Array<ReturnType<typeof decodeRecord>> {
    const out = [];
    for (const [key, queue] of this.queues) {
      if (key.startsWith(`${topic}#`)) for (const record of queue.records) out.push(decodeRecord(record));
    }
    return out;
  }

  count(code: number): number {
    return this.requestCounts.get(code) ?? 0;
  }

  /** Sends RESET_CONSUMER_CLIENT_OFFSET (fastjson object-key body) to every consumer of `group`. */
  resetConsumerOffsets(group: string, topic: string, offsets: ReadonlyArray<[number, number]>): void {
    const entries = offsets.map(([queueId, queueOffset]) =>
      `${JSON.stringify({ brokerName: this.brokerName, queueId, topic })}:${queueOffset}`);
    const body = Buffer.from(`{"offsetTable":{${entries.join(',')}}}`);
    for (const channel of this.consumers.get(group)?.values() ?? []) {
      this.server.invokeOneway(channel, createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
        { topic, group, timestamp: String(Date.now()), isForce: 'true' }, body));
    }
  }

  private queue(topic: string, queueId: number): StoredQueue {
    const key = `${topic}#${queueId}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { records: [], waiters: [] };
      this.queues.set(key, queue);
    }
    return queue;
  }

  private handle(command: RemotingCommand, channel: Channel): Reply {
    this.requestCounts.set(command.code, (this.requestCounts.get(command.code) ?? 0) + 1);
    const ext = command.extFields ?? {};
    switch (command.code) {
      case RequestCode.SEND_MESSAGE_V2:
      case RequestCode.SEND_BATCH_MESSAGE: {
        const delayMs = this.delaySends.shift();
        if (delayMs === undefined) return this.send(command, ext, channel);
        return new Promise((resolve) => setTimeout(() => resolve(this.send(command, ext, channel)), delayMs));
      }
      case RequestCode.PULL_MESSAGE:
        return this.pull(command, ext);
      case RequestCode.HEART_BEAT:
        return this.heartbeat(command, channel);
      case RequestCode.UNREGISTER_CLIENT:
        this.removeConsumer(ext['consumerGroup'], ext['clientID'] ?? '');
        return createResponse(command, ResponseCode.SUCCESS);
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP: {
        const ids = [...(this.consumers.get(ext['consumerGroup'] ?? '')?.keys() ?? [])];
        if (ids.length === 0) return createResponse(command, ResponseCode.SYSTEM_ERROR, 'no consumer for this group');
        return createResponse(command, ResponseCode.SUCCESS, null, null, Buffer.from(JSON.stringify({ consumerIdList: ids })));
      }
      case RequestCode.QUERY_CONSUMER_OFFSET: {
        const offset = this.offsets.get(`${ext['consumerGroup']}@${ext['topic']}#${ext['queueId']}`);
        if (offset === undefined) return createResponse(command, ResponseCode.QUERY_NOT_FOUND, 'Not found');
        return createResponse(command, ResponseCode.SUCCESS, null, { offset: String(offset) });
      }
      case RequestCode.UPDATE_CONSUMER_OFFSET:
        this.offsets.set(`${ext['consumerGroup']}@${ext['topic']}#${ext['queueId']}`, Number(ext['commitOffset']));
        return createResponse(command, ResponseCode.SUCCESS);
      case RequestCode.GET_MAX_OFFSET:
        return createResponse(command, ResponseCode.SUCCESS, null, {
          offset: String(this.queue(ext['topic'] ?? '', Number(ext['queueId'])).records.length),
        });
      case RequestCode.GET_MIN_OFFSET:
      case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP:
        return createResponse(command, ResponseCode.SUCCESS, null, { offset: '0' });
      case RequestCode.CONSUMER_SEND_MSG_BACK:
        return this.sendBack(command, ext);
      default:
        return createResponse(command, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${command.code} not supported`);
    }
  }

  private send(command: RemotingCommand, ext: Record<string, string>, channel: Channel): RemotingCommand {
    const failure = this.failSends.shift();
    if (failure !== undefined) return createResponse(command, failure, 'scripted failure');
    const topic = ext['b'] ?? '';
    if (!this.topics.has(topic)) {
      if (ext['c'] !== 'TBW102' && !topic.startsWith('%RETRY%')) return createResponse(command, ResponseCode.TOPIC_NOT_EXIST, 'no topic');
      this.topics.set(topic, topic.startsWith('%RETRY%') ? 1 : Number(ext['d'] ?? this.queueNums));
    }
    const queueId = Number(ext['e']);
    const entries = command.code === RequestCode.SEND_BATCH_MESSAGE
      ? decodeBatch(command.body ?? Buffer.alloc(0)).map((e) => ({ body: e.body, properties: e.properties, flag: e.flag }))
      : [{ body: command.body ?? Buffer.alloc(0), properties: ext['i'] ?? '', flag: Number(ext['h']) }];
    const queue = this.queue(topic, queueId);
    const firstOffset = queue.records.length;
    const ids: string[] = [];
    for (const entry of entries) {
      const physicalOffset = this.physicalOffset;
      const record = encodeRecord({
        topic, body: entry.body, properties: appendProperty(entry.properties, 'CLUSTER', 'DefaultCluster'),
        queueId, flag: entry.flag, sysFlag: Number(ext['f']), bornTimestampMs: Number(ext['g']),
        bornHost: channel.remoteAddress, reconsumeTimes: Number(ext['j'] ?? 0), queueOffset: queue.records.length,
        physicalOffset, storeTimestampMs: Date.now(), storeHost: this.address,
      });
      this.physicalOffset += record.length;
      queue.records.push(record);
      ids.push(encodeOffsetMsgId(this.address, physicalOffset));
    }
    for (const wake of queue.waiters.splice(0)) wake();
    return createResponse(command, ResponseCode.SUCCESS, null, {
      msgId: ids.join(','), queueId: String(queueId), queueOffset: String(firstOffset), MSG_REGION: 'DefaultRegion', TRACE_ON: 'true',
    });
  }

  private async pull(command: RemotingCommand, ext: Record<string, string>): Promise<RemotingCommand> {
    const topic = ext['topic'] ?? '';
    const queue = this.queue(topic, Number(ext['queueId']));
    const queueOffset = Number(ext['queueOffset']);
    if (Number(ext['sysFlag']) & 0x1) {
      this.offsets.set(`${ext['consumerGroup']}@${topic}#${ext['queueId']}`, Number(ext['commitOffset']));
    }
    if (queueOffset >= queue.records.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(this.holdMs, Number(ext['suspendTimeoutMillis'] ?? 0)));
        queue.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const maxOffset = queue.records.length;
    const headers = (next: number) => ({
      nextBeginOffset: String(next), minOffset: '0', maxOffset: String(maxOffset), suggestWhichBrokerId: '0',
    });
    if (queueOffset > maxOffset) return createResponse(command, ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_OVERFLOW_BADLY', headers(maxOffset));
    if (queueOffset === maxOffset) return createResponse(command, ResponseCode.PULL_NOT_FOUND, 'OFFSET_OVERFLOW_ONE', headers(queueOffset));
    const tags = (ext['subscription'] ?? '*').split('||').map((t) => t.trim()).filter((t) => t.length > 0 && t !== '*');
    const found: Buffer[] = [];
    let position = queueOffset;
    for (; position < maxOffset && found.length < Number(ext['maxMsgNums'] ?? 32); position++) {
      const record = queue.records[position] as Buffer;
      if (tags.length === 0 || tags.includes(decodeRecord(record).tags ?? '')) found.push(record);
    }
    if (found.length === 0) return createResponse(command, ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MESSAGE', headers(position));
    return createResponse(command, ResponseCode.SUCCESS, 'FOUND', headers(position), Buffer.concat(found));
  }

  private heartbeat(command: RemotingCommand, channel: Channel): RemotingCommand {
    const data = JSON.parse((command.body ?? Buffer.from('{}')).toString('utf8')) as {
      clientID: string; consumerDataSet?: Array<{ groupName: string; subscriptionDataSet: Array<{ topic: string }> }>;
    };
    for (const consumer of data.consumerDataSet ?? []) {
      this.createTopic(`%RETRY%${consumer.groupName}`, 1);
      let members = this.consumers.get(consumer.groupName);
      if (members === undefined) {
        members = new Map();
        this.consumers.set(consumer.groupName, members);
      }
      if (!members.has(data.clientID)) {
        members.set(data.clientID, channel);
        channel.onClose(() => this.removeConsumer(consumer.groupName, data.clientID));
        this.notify(consumer.groupName);
      }
    }
    return createResponse(command, ResponseCode.SUCCESS);
  }

  private removeConsumer(group: string | undefined, clientId: string): void {
    if (group === undefined) return;
    if (this.consumers.get(group)?.delete(clientId) === true) this.notify(group);
  }

  private notify(group: string): void {
    for (const channel of this.consumers.get(group)?.values() ?? []) {
      if (!channel.closed) this.server.invokeOneway(channel, createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group }));
    }
  }

  private sendBack(command: RemotingCommand, ext: Record<string, string>): RemotingCommand {
    if (this.failSendBack) return createResponse(command, ResponseCode.SYSTEM_ERROR, 'scripted send-back failure');
    const physicalOffset = Number(ext['offset']);
    let original: ReturnType<typeof decodeRecord> | undefined;
    for (const queue of this.queues.values()) {
      for (const record of queue.records) {
        const decoded = decodeRecord(record);
        if (decoded.physicalOffset === physicalOffset) original = decoded;
      }
    }
    if (original === undefined) return createResponse(command, ResponseCode.SYSTEM_ERROR, 'no such message');
    const retryTopic = `%RETRY%${ext['group']}`;
    const properties = decodeProperties(original.propertiesText);
    properties['RETRY_TOPIC'] ??= original.topic;
    properties['ORIGIN_MESSAGE_ID'] ??= original.msgId;
    const queue = this.queue(retryTopic, 0);
    const record = encodeRecord({
      topic: retryTopic, body: original.body, properties, queueId: 0, flag: original.flag, sysFlag: original.sysFlag,
      bornTimestampMs: original.bornTimestampMs, bornHost: original.bornHost, reconsumeTimes: original.reconsumeTimes + 1,
      queueOffset: queue.records.length, physicalOffset: this.physicalOffset, storeTimestampMs: Date.now(), storeHost: this.address,
    });
    this.physicalOffset += record.length;
    queue.records.push(record);
    for (const wake of queue.waiters.splice(0)) wake();
    return createResponse(command, ResponseCode.SUCCESS);
  }

  /** This broker's part of a route for `topic`, or null when it does not have the topic. */
  routePart(topic: string): { brokerData: TopicRouteData['brokerDatas'][number]; queueData: TopicRouteData['queueDatas'][number] } | null {
    const queueNums = this.topics.get(topic);
    if (queueNums === undefined) return null;
    return {
      brokerData: { cluster: 'DefaultCluster', brokerName: this.brokerName, brokerAddrs: new Map([[0, this.address]]) },
      queueData: { brokerName: this.brokerName, perm: 6, readQueueNums: queueNums, writeQueueNums: queueNums, topicSysFlag: 0 },
    };
  }
}

/** A NameServer that answers routes from the topic tables of the given brokers. */
export class FakeNameServer {
  private readonly server: RemotingServer;
  /** GET_ROUTEINFO_BY_TOPIC requests received, per topic. */
  readonly routeQueries = new Map<string, number>();

  constructor(private readonly brokers: FakeBroker[]) {
    this.server = new RemotingServer({
      port: 0, host: '127.0.0.1', logger: silentLogger,
      handler: (command) => this.handle(command),
    });
  }

  async start(): Promise<this> {
    await this.server.listen();
    return this;
  }

  get address(): string {
    return `127.0.0.1:${this.server.port}`;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private handle(command: RemotingCommand): RemotingCommand {
    if (command.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      return createResponse(command, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, 'fake namesrv');
    }
    const topic = command.extFields?.['topic'] ?? '';
    this.routeQueries.set(topic, (this.routeQueries.get(topic) ?? 0) + 1);
    const parts = this.brokers.map((broker) => broker.routePart(topic)).filter((part) => part !== null);
    if (parts.length === 0) return createResponse(command, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}`);
    const route: TopicRouteData = {
      brokerDatas: parts.map((p) => p.brokerData), queueDatas: parts.map((p) => p.queueData), filterServerTable: {},
    };
    return createResponse(command, ResponseCode.SUCCESS, null, null, encodeTopicRouteData(route));
  }
}

/** One NameServer and `brokerCount` brokers on loopback. */
export async function startFakeCluster(brokerCount = 1, options: FakeBrokerOptions = {}): Promise<{
  namesrv: FakeNameServer; brokers: FakeBroker[]; close: () => Promise<void>;
}> {
  const brokers = await Promise.all(Array.from({ length: brokerCount }, (_, i) =>
    new FakeBroker({ ...options, brokerName: `broker-${String.fromCharCode(97 + i)}` }).start()));
  const namesrv = await new FakeNameServer(brokers).start();
  return {
    namesrv, brokers,
    close: async () => {
      await namesrv.close();
      await Promise.all(brokers.map((broker) => broker.close()));
    },
  };
}
