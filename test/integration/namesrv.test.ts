// Proves the NameServer as a real process (bin/mqnamesrv, compiled dist/): a broker registered
// over our remoting client is routed to ali-ons's own MQClientAPI (the fastjson-keyed body for
// its version 121 parses), unknown topics fail there with code 17; config errors exit non-zero
// naming the key and -p prints the config; brokers whose connection closes or that stay
// silent are dropped from routes; bin/mqshutdown stops the process gracefully via its pid file.
// Needs `npx tsc -p tsconfig.json` first (make test does it).
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRequest } from '../../src/protocol/command.js';
import { encodeRegisterBrokerBody } from '../../src/protocol/bodies/route.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { freePortRun } from '../../bench/load/compare/servers.js';
import { freePort, spawnPetrel, stopAllPetrel, tmpDir, waitFor } from '../helpers/process.js';

const BOOT_LINE = /The Name Server boot success\. serializeType=JSON/;
const require = createRequire(import.meta.url);

interface AliRoute {
  brokerDatas: Array<{ brokerName: string; brokerAddrs: Record<string, string> }>;
  queueDatas: Array<{ brokerName: string; perm: number; readQueueNums: number; writeQueueNums: number }>;
}
interface AliClientApi {
  ready(): Promise<void>;
  close(): Promise<void>;
  getTopicRouteInfoFromNameServer(topic: string, timeoutMs: number): Promise<AliRoute>;
}
const MQClientAPI = require('ali-ons/lib/mq_client_api.js') as new (options: object) => AliClientApi;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(stopAllPetrel);

async function startNamesrv(extraArgs: string[] = []) {
  const dir = tmpDir('petrel-namesrv-');
  const port = await freePort();
  const args = [`--listenPort=${port}`, `--logDir=${dir.path}`, `--kvConfigPath=${join(dir.path, 'kv.json')}`, ...extraArgs];
  const namesrv = await spawnPetrel('bin/mqnamesrv', args, { readyPattern: BOOT_LINE });
  cleanups.push(dir.remove);
  cleanups.push(() => namesrv.kill9());
  return { namesrv, address: `127.0.0.1:${port}`, dir: dir.path };
}

function newClient(): RemotingClient {
  const client = new RemotingClient();
  cleanups.push(() => client.close());
  return client;
}

function registerBroker(brokerName: string, brokerAddr: string, topic: string, queueNums: number) {
  const body = encodeRegisterBrokerBody({
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: 1, timestamp: Date.now() },
      topicConfigTable: {
        [topic]: {
          topicName: topic, readQueueNums: queueNums, writeQueueNums: queueNums, perm: 6,
          topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
        },
      },
    },
  });
  return createRequest(RequestCode.REGISTER_BROKER, {
    brokerName, brokerAddr, clusterName: 'DefaultCluster', haServerAddr: brokerAddr, brokerId: '0',
  }, body);
}

async function routeCode(client: RemotingClient, address: string, topic: string): Promise<number> {
  return (await client.invoke(address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000)).code;
}

describe('bin/mqnamesrv', () => {
  it('routes a registered broker to ali-ons, and ali-ons sees TOPIC_NOT_EXIST for unknown topics', async () => {
    const { address } = await startNamesrv();
    const client = newClient();
    const registered = await client.invoke(address, registerBroker('broker-x', '127.0.0.1:10911', 'AliTopic', 6), 3000);
    expect(registered.code).toBe(ResponseCode.SUCCESS);
    const api = new MQClientAPI({ nameSrv: address, httpclient: {} });
    await api.ready();
    cleanups.push(() => api.close());
    const route = await api.getTopicRouteInfoFromNameServer('AliTopic', 3000);
    expect(route.brokerDatas).toEqual([{ brokerName: 'broker-x', cluster: 'DefaultCluster', brokerAddrs: { 0: '127.0.0.1:10911' } }]);
    expect(route.queueDatas).toEqual([{ brokerName: 'broker-x', perm: 6, readQueueNums: 6, writeQueueNums: 6, topicSysFlag: 0 }]);
    await expect(api.getTopicRouteInfoFromNameServer('NoSuchTopic', 3000)).rejects.toMatchObject({ code: 17 });
  });

  it('refuses an unknown config key with a non-zero exit naming it, and -p prints the config', async () => {
    const bad = await spawnPetrel('bin/mqnamesrv', ['--noSuchKey=1']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toMatch(/noSuchKey/);
    const printed = await spawnPetrel('bin/mqnamesrv', ['-p', '--listenPort=12345']);
    expect(await printed.exited).toBe(0);
    expect(printed.stdout()).toMatch(/^listenPort=12345$/m);
    expect(printed.stdout()).toMatch(/^kvConfigPath=/m);
  });

  it('drops a broker whose connection closes and one that stays silent', async () => {
    const { address } = await startNamesrv(['--scanNotActiveBrokerIntervalMs=100', '--brokerChannelExpiredTimeoutMs=600']);
    const closing = newClient();
    await closing.invoke(address, registerBroker('broker-closing', '127.0.0.1:20911', 'ClosingTopic', 2), 3000);
    const silentClosed: string[] = [];
    const silentClient = new RemotingClient({ onConnectionClosed: (_address, reason) => silentClosed.push(reason) });
    cleanups.push(() => silentClient.close());
    await silentClient.invoke(address, registerBroker('broker-silent', '127.0.0.1:30911', 'SilentTopic', 2), 3000);
    const observer = newClient();
    expect(await routeCode(observer, address, 'ClosingTopic')).toBe(ResponseCode.SUCCESS);
    expect(await routeCode(observer, address, 'SilentTopic')).toBe(ResponseCode.SUCCESS);
    closing.close();
    await waitFor(async () => (await routeCode(observer, address, 'ClosingTopic')) === ResponseCode.TOPIC_NOT_EXIST,
      'closed broker dropped');
    await waitFor(async () => (await routeCode(observer, address, 'SilentTopic')) === ResponseCode.TOPIC_NOT_EXIST,
      'silent broker expired');
    await waitFor(() => silentClosed.length === 1, 'the expired broker channel closed by the NameServer');
  });

  it('is stopped gracefully by bin/mqshutdown namesrv (launched through a symlink, from another cwd)', async () => {
    const dir = tmpDir('petrel-shutdown-');
    cleanups.push(dir.remove);
    const link = join(dir.path, 'mqnamesrv-link');
    symlinkSync(join(import.meta.dirname, '..', '..', 'bin', 'mqnamesrv'), link);
    const port = await freePort();
    const namesrv = await spawnPetrel(link, [`--listenPort=${port}`, `--logDir=${dir.path}`,
      `--kvConfigPath=${join(dir.path, 'kv.json')}`], { readyPattern: BOOT_LINE, cwd: '/' });
    cleanups.push(() => namesrv.kill9());
    const pidFile = join(dir.path, 'namesrv.pid');
    expect(Number(readFileSync(pidFile, 'utf8'))).toBe(namesrv.child.pid);
    const shutdown = await spawnPetrel('bin/mqshutdown', ['namesrv', `--logDir=${dir.path}`]);
    expect(await shutdown.exited).toBe(0);
    expect(shutdown.stdout()).toMatch(new RegExp(`Send shutdown request to mqnamesrv\\(${namesrv.child.pid}\\) OK`));
    expect(await namesrv.exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
    await waitFor(() => readFileSync(join(dir.path, 'namesrv.log'), 'utf8').includes('name server stopped'), 'stop logged');
    const again = await spawnPetrel('bin/mqshutdown', ['namesrv', `--logDir=${dir.path}`]);
    expect(await again.exited).not.toBe(0);
    expect(again.stdout()).toMatch(/No mqnamesrv running\./);
  });

  it('bin/petrel standalone runs a NameServer in-process, says where it listens, and stops on SIGTERM', async () => {
    const dir = tmpDir('petrel-standalone-');
    cleanups.push(dir.remove);
    const port = await freePort();
    // The standalone also starts a Broker: its ports and store are the test's own, never the
    // defaults (10911 and ~/store, which other processes on the machine may hold).
    const brokerPort = await freePortRun(3);
    const standalone = await spawnPetrel('bin/petrel', ['standalone', `--namesrv.listenPort=${port}`,
      `--logDir=${dir.path}`, `--kvConfigPath=${join(dir.path, 'kv.json')}`, `--broker.listenPort=${brokerPort}`,
      `--storePathRootDir=${join(dir.path, 'store')}`, '--mappedFileSizeCommitLog=1048576'], { readyPattern: /boot success/ });
    cleanups.push(() => standalone.kill9());
    expect(standalone.stdout()).toContain(`NameServer listening on 0.0.0.0:${port}`);
    expect(await routeCode(newClient(), `127.0.0.1:${port}`, 'Nothing')).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(await standalone.stop()).toBe(0);
  });
});
