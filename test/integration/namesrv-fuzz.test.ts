// Proves a NameServer process survives hostile input: >= 100k random and mutated frames (bit
// flips, truncations, huge or negative lengths, bad serialize types, junk JSON/binary headers,
// random bytes, plus random well-formed commands of every NameServer code) over 50 concurrent
// connections, reconnecting whenever the server closes one. Afterwards the process is still up
// and a well-formed register + route query on a fresh connection still answers. The PRNG seed
// is printed; SEED=<n> replays a run. Needs the compiled dist/ (make test builds it).
import { readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RemotingCommand, SerializeType, createRequest } from '../../src/protocol/command.js';
import { encodeRegisterBrokerBody } from '../../src/protocol/bodies/route.js';
import { FrameDecoder, encodeCommand } from '../../src/protocol/frame.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { freePort, spawnPetrel, stopAllPetrel, tmpDir } from '../helpers/process.js';

const FRAMES_MIN = Number(process.env['FUZZ_FRAMES'] ?? 100_000);
const CONNECTIONS = 50;
const FRAMES_PER_BATCH = 100;
const SENTINEL_OPAQUE = 0x7ffffff0;

afterAll(stopAllPetrel);

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class FrameFactory {
  private readonly codes = [...Object.values(RequestCode), 0, -1, 65535, 99999];
  constructor(private readonly random: () => number) {}

  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) buffer[i] = this.int(256);
    return buffer;
  }
  text(): string {
    return this.pick(['TopicTest', 'broker-a', 'DefaultCluster', '', '%RETRY%g', 'x'.repeat(this.int(300)),
      '\u0001\u0002', '127.0.0.1:10911', String(this.int(1e9)), 'true', '{"a":1}', '\uffff\ud800']);
  }

  /** A well-formed command with random code, fields, flags and body, in either header type. */
  command(): RemotingCommand {
    const ext: Record<string, string> = {};
    const fieldNames = ['topic', 'brokerName', 'brokerAddr', 'clusterName', 'haServerAddr', 'brokerId', 'namespace',
      'key', 'value', 'cluster', 'compressed', 'bodyCrc32', 'acceptStandardJsonOnly', 'junk'];
    for (let i = this.int(8); i > 0; i--) ext[this.pick(fieldNames)] = this.text();
    const command = createRequest(this.pick(this.codes), this.int(4) === 0 ? null : ext, this.body());
    command.flag = this.pick([0, 0, 0, 2, 1, 3, this.int(1 << 30)]);
    command.opaque = this.int(2 ** 31);
    command.version = this.pick([121, 409, 0, -5, 401]);
    command.serializeType = this.int(3) === 0 ? SerializeType.ROCKETMQ : SerializeType.JSON;
    return command;
  }

  private body(): Buffer | null {
    switch (this.int(5)) {
      case 0: return null;
      case 1: return this.bytes(this.int(200));
      case 2: return Buffer.from('{"topicConfigSerializeWrapper":{"dataVersion":{"counter":1},"topicConfigTable":{"T":{"x":[1,{2:3}]}}}');
      case 3: return Buffer.from(`k=${this.text()}\nlistenPort=1\n`);
      default: return validRegisterBody(`Fuzz${this.int(50)}`);
    }
  }

  /** A valid frame, or one mutated in one of the hostile ways. */
  frame(mutate: boolean): Buffer {
    const frame = encodeCommand(this.command());
    if (!mutate) return frame;
    switch (this.int(7)) {
      case 0: { // flip bits
        for (let i = 1 + this.int(4); i > 0; i--) {
          const position = this.int(frame.length);
          frame[position] = (frame[position] as number) ^ (1 << this.int(8));
        }
        return frame;
      }
      case 1: return frame.subarray(0, this.int(frame.length));
      case 2: frame.writeInt32BE(this.pick([0x7fffffff, -1, 16 * 1024 * 1024 + 1, -0x80000000, 2, 3]), 0); return frame;
      case 3: frame.writeUInt8(2 + this.int(254), 4); return frame;
      case 4: { // junk header of the same length
        const headerLength = frame.readUInt32BE(4) & 0xffffff;
        this.bytes(headerLength).copy(frame, 8);
        return frame;
      }
      case 5: frame.writeUInt32BE(((frame.readUInt8(4) << 24) | (0xffffff - this.int(100))) >>> 0, 4); return frame;
      default: return this.bytes(1 + this.int(64));
    }
  }
}

function validRegisterBody(topic: string): Buffer {
  return encodeRegisterBrokerBody({
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: 1, timestamp: 1 },
      topicConfigTable: { [topic]: { topicName: topic, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false } },
    },
  });
}

/** One connection's life: send a batch, then wait for the sentinel reply (clean batch) or the close. */
async function runBatch(port: number, factory: FrameFactory): Promise<number> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    socket.once('close', () => resolve());
  });
  const mutated = factory.int(2) === 0;
  const frames = Array.from({ length: FRAMES_PER_BATCH }, () => factory.frame(false));
  if (mutated) frames[factory.int(frames.length)] = factory.frame(true);
  else {
    const sentinel = createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    sentinel.opaque = SENTINEL_OPAQUE;
    frames.push(encodeCommand(sentinel));
  }
  let sentinelSeen = false;
  const decoder = new FrameDecoder((content) => {
    if (content.length >= 8 && content.includes(String(SENTINEL_OPAQUE))) sentinelSeen = true;
  });
  socket.on('data', (chunk: Buffer) => {
    try {
      decoder.push(chunk);
    } catch {
      socket.destroy();
    }
    if (sentinelSeen) socket.destroy();
  });
  const data = Buffer.concat(frames);
  // Split the batch at random points so the server's decoder sees partial frames too.
  const cut = factory.int(data.length);
  socket.write(data.subarray(0, cut));
  socket.write(data.subarray(cut));
  if (mutated) socket.end();
  const startMs = Date.now();
  const guard = setTimeout(() => socket.destroy(), 3000);
  await closed;
  clearTimeout(guard);
  if (process.env['FUZZ_DEBUG'] !== undefined) console.log(`batch mutated=${mutated} sentinel=${sentinelSeen} ${Date.now() - startMs} ms`);
  return frames.length;
}

describe('NameServer fuzz', () => {
  it(`survives ${FRAMES_MIN}+ random and mutated frames over ${CONNECTIONS} connections`, async () => {
    const seed = Number(process.env['SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`namesrv fuzz seed: ${seed} (SEED=${seed} replays)`);
    const dir = tmpDir('petrel-fuzz-');
    const port = await freePort();
    const namesrv = await spawnPetrel('bin/mqnamesrv', [`--listenPort=${port}`, `--logDir=${dir.path}`,
      `--kvConfigPath=${join(dir.path, 'kv.json')}`], { readyPattern: /boot success/ });
    try {
      let framesSent = 0;
      await Promise.all(Array.from({ length: CONNECTIONS }, async (_, worker) => {
        const factory = new FrameFactory(prng(seed + worker));
        while (framesSent < FRAMES_MIN) {
          const batchFrames = await runBatch(port, factory);
          framesSent += batchFrames;
        }
      }));
      expect(framesSent).toBeGreaterThanOrEqual(FRAMES_MIN);
      expect(namesrv.child.exitCode).toBeNull();

      const client = new RemotingClient();
      try {
        const register = createRequest(RequestCode.REGISTER_BROKER, {
          brokerName: 'after-fuzz', brokerAddr: '127.0.0.1:1', clusterName: 'C', haServerAddr: '127.0.0.1:2', brokerId: '0',
        }, validRegisterBody('AfterFuzz'));
        expect((await client.invoke(`127.0.0.1:${port}`, register, 5000)).code).toBe(ResponseCode.SUCCESS);
        const route = await client.invoke(`127.0.0.1:${port}`,
          createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'AfterFuzz' }), 5000);
        expect(route.code).toBe(ResponseCode.SUCCESS);
        expect(route.body?.toString()).toContain('after-fuzz');
      } finally {
        client.close();
      }
      expect(namesrv.child.exitCode).toBeNull();
      expect(namesrv.stderr()).toBe('');
      expect(await namesrv.stop()).toBe(0);
      // The hostile frames really took the malformed-frame path (logged per connection).
      const remotingLog = readFileSync(join(dir.path, 'remoting.log'), 'utf8');
      expect(remotingLog.match(/closing connection/g)?.length ?? 0).toBeGreaterThan(10);
    } finally {
      await namesrv.stop();
      dir.remove();
    }
  });
});
