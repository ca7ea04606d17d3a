// Builds a control plane for unit tests: tmp store root, in-memory store, FakeClock, no
// NameServer; `call` runs one request through the control handler on a fake channel.
import { join } from 'node:path';
import { BrokerConfigHolder } from '../../../src/broker/broker-config-holder.js';
import { brokerSchema, deriveRuntime } from '../../../src/broker/config.js';
import { createControlPlane } from '../../../src/broker/control-plane.js';
import { FakeClock } from '../../../src/common/clock.js';
import { loadConfig } from '../../../src/common/config/load.js';
import { silentLogger } from '../../../src/common/log.js';
import type { RemotingCommand } from '../../../src/protocol/command.js';
import { FakeChannel, FakeStore } from './fakes.js';
import { tempDirForFile } from '../../helpers/temp-dirs.js';

export function makeControlPlane(overrides: Record<string, string> = {}) {
  const dir = tempDirForFile('petrel-control-');
  const config = loadConfig(brokerSchema, {
    overrides: { storePathRootDir: dir, brokerIP1: '127.0.0.1', logDir: dir, ...overrides },
  });
  const clock = new FakeClock(1_700_000_000_000);
  const store = new FakeStore(() => clock.nowMs());
  const holder = new BrokerConfigHolder(config, join(dir, 'broker.properties'), clock);
  const plane = createControlPlane({
    brokerConfig: holder, runtime: deriveRuntime(config), store, namesrv: null, clock, logger: silentLogger,
  });
  const call = async (request: RemotingCommand, channel = new FakeChannel()): Promise<RemotingCommand> => {
    const reply = await plane.handler(request, channel);
    if (reply === null) throw new Error('no reply');
    return reply;
  };
  return { dir, plane, store, clock, call };
}

