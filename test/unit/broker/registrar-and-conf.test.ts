// Proves NameServer registration and the shipped config templates: REGISTER_BROKER goes to every
// address of namesrvAddr with RocketMQ's header and a CRC of the body; registerNow() calls made
// while a round is in flight coalesce into one more round; a broker without W registers every
// topic with its own permission; stop() sends UNREGISTER_BROKER. Every conf/ file loads with the
// broker schema (unknown keys would be refused). Fake invoker, no sockets.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { brokerSchema, deriveRuntime } from '../../../src/broker/config.js';
import { NamesrvRegistrar } from '../../../src/broker/namesrv-registrar.js';
import { loadConfig } from '../../../src/common/config/load.js';
import { silentLogger } from '../../../src/common/log.js';
import { decodeRegisterBrokerBody } from '../../../src/protocol/bodies/route.js';
import type { RemotingCommand } from '../../../src/protocol/command.js';
import { createResponse } from '../../../src/protocol/command.js';
import { RequestCode } from '../../../src/protocol/request-code.js';

const REPO = resolve(import.meta.dirname, '..', '..', '..');

function setup(overrides: Record<string, string> = {}) {
  const config = loadConfig(brokerSchema, {
    overrides: { namesrvAddr: '127.0.0.1:1;127.0.0.1:2', brokerIP1: '127.0.0.1', listenPort: '10911', ...overrides },
  });
  const calls: Array<{ address: string; command: RemotingCommand }> = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | null = null;
  const registrar = new NamesrvRegistrar({
    invoker: {
      async invoke(address, command) {
        calls.push({ address, command });
        if (gate !== null) await gate;
        return createResponse(command, 0);
      },
    },
    runtime: deriveRuntime(config),
    config: () => config,
    topicWrapper: () => ({
      dataVersion: { counter: 3, timestamp: 5 },
      topicConfigTable: {
        T: { topicName: 'T', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false },
      },
    }),
    logger: silentLogger,
  });
  const hold = () => { gate = new Promise((resolveGate) => { release = resolveGate; }); };
  const open = () => { gate = null; release(); };
  return { registrar, calls, hold, open };
}

describe('NamesrvRegistrar', () => {
  it('registers with every NameServer with a checksummed body, and unregisters on stop', async () => {
    const { registrar, calls } = setup();
    expect(await registrar.registerAll()).toBe(2);
    expect(calls.map((call) => call.address)).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    const request = calls[0]?.command;
    expect(request?.code).toBe(RequestCode.REGISTER_BROKER);
    expect(request?.extFields).toMatchObject({
      brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', clusterName: 'DefaultCluster',
      haServerAddr: '127.0.0.1:10912', brokerId: '0', compressed: 'false',
    });
    const body = request?.body ?? Buffer.alloc(0);
    expect(request?.extFields?.bodyCrc32).toBe(String(crc32(body) & 0x7fffffff));
    expect(decodeRegisterBrokerBody(body).topicConfigSerializeWrapper.dataVersion).toEqual({ counter: 3, timestamp: 5 });
    calls.length = 0;
    await registrar.stop();
    expect(calls.map((call) => call.command.code)).toEqual([RequestCode.UNREGISTER_BROKER, RequestCode.UNREGISTER_BROKER]);
  });

  it('coalesces registerNow calls made while a round is in flight into one more round', async () => {
    const { registrar, calls, hold, open } = setup({ namesrvAddr: '127.0.0.1:1' });
    hold();
    registrar.registerNow();
    registrar.registerNow();
    registrar.registerNow();
    open();
    await registrar.settled();
    expect(calls).toHaveLength(2);
  });

  it('registers topics with the broker permission when the broker lacks W', async () => {
    const { registrar, calls } = setup({ brokerPermission: '4' });
    await registrar.registerAll();
    const body = decodeRegisterBrokerBody(calls[0]?.command.body ?? null);
    expect(body.topicConfigSerializeWrapper.topicConfigTable.T?.perm).toBe(4);
  });
});

describe('conf/ templates', () => {
  it('every shipped broker config loads with the broker schema', () => {
    const files = ['broker.conf', ...['2m-noslave', '2m-2s-async', '2m-2s-sync'].flatMap((layout) =>
      readdirSync(join(REPO, 'conf', layout)).map((name) => join(layout, name)))];
    expect(files.length).toBe(12);
    for (const file of files) {
      const config = loadConfig(brokerSchema, { file: join(REPO, 'conf', file) });
      expect(config.brokerClusterName).toBe('DefaultCluster');
      expect(config.fileReservedTime).toBe(48);
      if (config.brokerRole === 'SLAVE') expect(config.brokerId).toBe(1);
    }
  });
});
