// Test doubles for the broker's control plane: a channel that records what it is sent, and an
// in-memory StoreFacade with RocketMQ's offset semantics (queue offsets 0.., physical offsets
// growing by record size).
import type { RemotingCommand } from '../../../src/protocol/command.js';
import type { Channel } from '../../../src/remoting/channel.js';
import type {
  AppendOutcome, MessageToAppend, StoreFacade, StoreRuntimeStats, StoredMessage,
} from '../../../src/broker/store-facade.js';

let nextId = 1000;

export class FakeChannel implements Channel {
  readonly id = nextId++;
  readonly transport = 'tcp' as const;
  readonly localAddress = '127.0.0.1:10911';
  closed = false;
  readonly sent: RemotingCommand[] = [];
  private readonly closeListeners: Array<(channel: Channel) => void> = [];

  constructor(readonly remoteAddress = `127.0.0.1:${40000 + (nextId % 20000)}`) {}

  send(command: RemotingCommand): void {
    if (!this.closed) this.sent.push(command);
  }

  sendFrames(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener(this);
  }

  onClose(listener: (channel: Channel) => void): void {
    this.closeListeners.push(listener);
  }
}

interface FakeEntry {
  physicalOffset: number;
  tagsCode: number;
  storeTimestampMs: number;
}

export class FakeStore implements StoreFacade {
  readonly messages = new Map<number, StoredMessage>();
  readonly queues = new Map<string, FakeEntry[]>();
  readonly appended: MessageToAppend[] = [];
  readonly minOffsets = new Map<string, number>();
  onDisk = false;
  refuse: AppendOutcome['status'] | null = null;
  private nextPhysicalOffset = 0;

  constructor(private readonly nowMs: () => number = () => Date.now(), readonly storeHost = '127.0.0.1:10911') {}

  private key(topic: string, queueId: number): string {
    return `${topic}#${queueId}`;
  }

  minOffset(topic: string, queueId: number): number {
    return this.minOffsets.get(this.key(topic, queueId)) ?? 0;
  }

  maxOffset(topic: string, queueId: number): number {
    return this.queues.get(this.key(topic, queueId))?.length ?? 0;
  }

  async isOnDisk(topic: string, queueId: number, queueOffset: number): Promise<boolean> {
    return this.onDisk && queueOffset < this.maxOffset(topic, queueId);
  }

  async storeTimestamp(topic: string, queueId: number, queueOffset: number): Promise<number> {
    return this.queues.get(this.key(topic, queueId))?.[queueOffset]?.storeTimestampMs ?? 0;
  }

  async searchOffsetByTimestamp(topic: string, queueId: number, timestampMs: number): Promise<number> {
    const entries = this.queues.get(this.key(topic, queueId)) ?? [];
    const index = entries.findIndex((entry) => entry.storeTimestampMs >= timestampMs);
    return index < 0 ? entries.length : index;
  }

  async readMessage(physicalOffset: number): Promise<StoredMessage | null> {
    return this.messages.get(physicalOffset) ?? null;
  }

  async readDuePrefix(
    topic: string, queueId: number, fromQueueOffset: number, countMax: number, isDue: (tagsCode: number) => boolean,
  ): Promise<StoredMessage[]> {
    const due: StoredMessage[] = [];
    for (const entry of (this.queues.get(this.key(topic, queueId)) ?? []).slice(fromQueueOffset, fromQueueOffset + countMax)) {
      if (!isDue(entry.tagsCode)) break;
      const message = this.messages.get(entry.physicalOffset);
      if (message !== undefined) due.push(message);
    }
    return due;
  }

  async append(message: MessageToAppend): Promise<AppendOutcome> {
    if (this.refuse !== null && this.refuse !== 'ok') return { status: this.refuse };
    this.appended.push(message);
    const key = this.key(message.topic, message.queueId);
    const entries = this.queues.get(key) ?? [];
    this.queues.set(key, entries);
    const physicalOffset = this.nextPhysicalOffset;
    this.nextPhysicalOffset += 100 + message.body.length;
    const storeTimestampMs = this.nowMs();
    const queueOffset = entries.length;
    entries.push({ physicalOffset, tagsCode: message.tagsCodeOverride ?? 0, storeTimestampMs });
    this.messages.set(physicalOffset, {
      topic: message.topic, queueId: message.queueId, flag: message.flag, body: message.body,
      properties: { ...message.properties }, sysFlag: message.sysFlag, bornTimestampMs: message.bornTimestampMs,
      bornHost: message.bornHost, storeTimestampMs, storeHost: this.storeHost,
      reconsumeTimes: message.reconsumeTimes, physicalOffset, queueOffset,
      preparedTransactionOffset: message.preparedTransactionOffset,
    });
    return { status: 'ok', physicalOffset, queueOffset, storeTimestampMs };
  }

  async deleteTopic(topic: string): Promise<void> {
    for (const key of [...this.queues.keys()]) if (key.startsWith(`${topic}#`)) this.queues.delete(key);
  }

  runtimeStats(): StoreRuntimeStats {
    return {
      bootTimestampMs: 0, putMessageCount: this.appended.length, putBytes: 0, putTps: 0,
      minPhysicalOffset: 0, maxPhysicalOffset: this.nextPhysicalOffset, flushedPhysicalOffset: this.nextPhysicalOffset,
    };
  }

  /** Stores a plain message (as a producer send would) and returns its physical offset. */
  async put(topic: string, queueId: number, properties: Record<string, string> = {}, body = 'hello'): Promise<number> {
    const outcome = await this.append({
      topic, queueId, body: Buffer.from(body), flag: 0, properties, sysFlag: 0, bornTimestampMs: this.nowMs(),
      bornHost: '127.0.0.1:50000', reconsumeTimes: 0, preparedTransactionOffset: 0,
    });
    if (outcome.status !== 'ok') throw new Error('fake store refused');
    return outcome.physicalOffset;
  }
}
