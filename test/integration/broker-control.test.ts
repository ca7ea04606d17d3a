// Proves the broker's control plane end to end with real processes (bin/mqnamesrv and
// bin/mqbroker from dist/, loopback, free ports, a tmp store and logDir): the broker registers
// and its route appears at the NameServer; a heartbeat from a RemotingClient registers a
// consumer that GET_CONSUMER_LIST_BY_GROUP then lists; UPDATE_AND_CREATE_TOPIC makes the topic
// routable at once; committed offsets, topics and groups survive a graceful restart (SIGTERM,
// then a new process on the same store), and mqshutdown finds the broker by its pid file.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTopicRouteData } from '../../src/protocol/bodies/route.js';
import type { RemotingCommand } from '../../src/protocol/command.js';
import { createRequest } from '../../src/protocol/command.js';
import { parseFastjson } from '../../src/protocol/fastjson.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const READY_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 5000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolveFree(true)));
  });
}

/** A port p with p, p+1 and p+2 free (the broker uses listenPort and listenPort + 2). */
async function freePortRun(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (await portFree(port) && await portFree(port + 1) && await portFree(port + 2)) return port;
  }
}

/** Spawns a bin/ script and resolves once its stdout shows the boot line. */
function launch(script: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(join(REPO, 'bin', script), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveChild, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not boot: ${output}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (/boot success/.test(output)) {
        clearTimeout(timer);
        resolveChild(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

describe('broker control plane with real processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'petrel-broker-control-'));
  const logDir = join(dir, 'logs');
  const client = new RemotingClient();
  let namesrv: ChildProcess | null = null;
  let broker: ChildProcess | null = null;
  let namesrvAddress = '';
  let brokerAddress = '';
  let brokerArgs: string[] = [];

  const toBroker = (request: RemotingCommand) => client.invoke(brokerAddress, request, REQUEST_TIMEOUT_MS);
  const toNamesrv = (request: RemotingCommand) => client.invoke(namesrvAddress, request, REQUEST_TIMEOUT_MS);
  const route = async (topic: string) => {
    const reply = await toNamesrv(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
    return reply.code === ResponseCode.SUCCESS ? decodeTopicRouteData(reply.body) : undefined;
  };

  beforeAll(async () => {
    const namesrvPort = await freePortRun();
    const brokerPort = await freePortRun();
    namesrvAddress = `127.0.0.1:${namesrvPort}`;
    brokerAddress = `127.0.0.1:${brokerPort}`;
    namesrv = await launch('mqnamesrv', [
      `--listenPort=${namesrvPort}`, `--logDir=${logDir}`, `--kvConfigPath=${join(dir, 'kv.json')}`,
    ]);
    brokerArgs = [
      '-n', namesrvAddress, `--listenPort=${brokerPort}`, '--brokerIP1=127.0.0.1', '--brokerName=broker-ctl',
      `--storePathRootDir=${join(dir, 'store')}`, `--logDir=${logDir}`, '--mappedFileSizeCommitLog=1048576',
      '--flushConsumerOffsetInterval=60000',
    ];
    broker = await launch('mqbroker', brokerArgs);
  });

  afterAll(async () => {
    client.close();
    for (const child of [broker, namesrv]) {
      if (child !== null && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers with the NameServer: TBW102 and the broker-name topic route to it', async () => {
    const tbw = await until(() => route('TBW102'), 'the TBW102 route');
    expect(tbw.brokerDatas[0]?.brokerAddrs.get(0)).toBe(brokerAddress);
    expect(tbw.queueDatas[0]).toMatchObject({ brokerName: 'broker-ctl', perm: 7, readQueueNums: 8 });
    expect((await route('broker-ctl'))?.queueDatas[0]?.brokerName).toBe('broker-ctl');
  });

  it('registers a consumer by heartbeat and lists it by group', async () => {
    const heartbeat = {
      clientID: '127.0.0.1@test-1',
      producerDataSet: [],
      consumerDataSet: [{
        groupName: 'G1', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
        subscriptionDataSet: [{ topic: 'TopicCtl', subString: '*', tagsSet: [], codeSet: [], subVersion: 1 }],
      }],
    };
    const reply = await toBroker(createRequest(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(heartbeat))));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const list = await toBroker(createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G1' }));
    expect(list.code).toBe(ResponseCode.SUCCESS);
    expect(parseFastjson(list.body ?? '')).toEqual({ consumerIdList: ['127.0.0.1@test-1'] });
    const retryRoute = await until(() => route('%RETRY%G1'), 'the retry topic route');
    expect(retryRoute.queueDatas[0]).toMatchObject({ readQueueNums: 1, writeQueueNums: 1 });
  });

  it('creates a topic that the NameServer routes at once', async () => {
    const reply = await toBroker(createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'TopicCtl', defaultTopic: 'TBW102', readQueueNums: '4', writeQueueNums: '4', perm: '6',
      topicFilterType: 'SINGLE_TAG', order: 'false',
    }));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const created = await until(() => route('TopicCtl'), 'the TopicCtl route');
    expect(created.queueDatas[0]).toMatchObject({ brokerName: 'broker-ctl', readQueueNums: 4, writeQueueNums: 4, perm: 6 });
  });

  it('keeps offsets, topics and groups across a graceful restart', async () => {
    const commit = { consumerGroup: 'G1', topic: 'TopicCtl', queueId: '1', commitOffset: '7' };
    expect((await toBroker(createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, commit))).code).toBe(ResponseCode.SUCCESS);
    const running = broker as ChildProcess;
    const shutdown = await promisify(execFile)(join(REPO, 'bin', 'mqshutdown'), ['broker', `--logDir=${logDir}`]);
    expect(shutdown.stdout).toContain('Send shutdown request to mqbroker');
    expect(await exited(running)).toBe(0);
    const file = readFileSync(join(dir, 'store', 'config', 'consumerOffset.json'), 'utf8');
    expect(file).toContain('"TopicCtl@G1":{1:7}');
    broker = await launch('mqbroker', brokerArgs);
    const query = createRequest(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'G1', topic: 'TopicCtl', queueId: '1' });
    const answer = await toBroker(query);
    expect(answer.code).toBe(ResponseCode.SUCCESS);
    expect(answer.extFields?.offset).toBe('7');
    const topics = parseFastjson((await toBroker(createRequest(RequestCode.GET_ALL_TOPIC_CONFIG))).body ?? '');
    expect(topics).toMatchObject({ topicConfigTable: { TopicCtl: { readQueueNums: 4 }, '%RETRY%G1': { readQueueNums: 1 } } });
    const groups = parseFastjson((await toBroker(createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG))).body ?? '');
    expect(groups).toMatchObject({ subscriptionGroupTable: { G1: { groupName: 'G1' } } });
  });
});
