import { startBroker } from '../broker/broker.js';
import { brokerSchema } from '../broker/config.js';
import { loadConfig } from '../common/config/load.js';
import type { StandaloneComponent } from './standalone.js';

/**
 * The Broker as a `petrel standalone` component: started after the NameServer, registering with
 * the address it published (unless `--broker.namesrvAddr` says otherwise), data under
 * `storePathRootDir` (~/store by default). `--broker.<key>=value` sets any broker key.
 */
export const brokerComponent: StandaloneComponent = {
  name: 'broker',
  schema: brokerSchema,
  async start(overrides, published) {
    const namesrvAddr = published.get('namesrvAddr') ?? '';
    const config = loadConfig(brokerSchema, { overrides: { namesrvAddr, ...overrides } });
    const broker = await startBroker({ config });
    const { tcpPort, wsPort } = broker.transports.describe;
    const ws = wsPort === null || wsPort === undefined ? '' : `, WebSocket/HTTP on port ${wsPort}`;
    return {
      listening: `Broker ${config.brokerName} listening on ${broker.runtime.brokerIp}:${tcpPort}${ws}`,
      stop: () => broker.stop(),
    };
  },
};
