/**
 * Driver lookup by `driverClass` (the driver YAML's field, as in OMB). Drivers load lazily so a
 * run against Redis never loads the NATS client, and so on.
 */
import type { BenchmarkDriver, DriverConfig } from '../types.js';
import { DriverConfigError } from './fields.js';

type DriverFactory = (config: DriverConfig) => Promise<BenchmarkDriver>;

const FACTORIES: Record<string, DriverFactory> = {
  redis: async (config) => new (await import('./redis.js')).RedisStreamsDriver(config),
  nats: async (config) => new (await import('./nats.js')).NatsJetStreamDriver(config),
  petrel: async (config) => new (await import('./petrel.js')).PetrelDriver(config),
};

/** OMB's Java class names map to ours, so OMB driver files can be reused with few edits. */
const ALIASES: Record<string, string> = {
  'io.openmessaging.benchmark.driver.redis.RedisBenchmarkDriver': 'redis',
  'io.openmessaging.benchmark.driver.natsJetStream.NatsBenchmarkDriver': 'nats',
  'io.openmessaging.benchmark.driver.rocketmq.RocketMQBenchmarkDriver': 'petrel',
};

export const DRIVER_CLASSES = Object.keys(FACTORIES);

/** Creates and initializes the driver a config names. */
export async function createDriver(config: DriverConfig): Promise<BenchmarkDriver> {
  const key = ALIASES[config.driverClass] ?? config.driverClass;
  const factory = FACTORIES[key];
  if (factory === undefined) {
    throw new DriverConfigError(`unknown driverClass '${config.driverClass}' (known: ${DRIVER_CLASSES.join(', ')})`);
  }
  const driver = await factory(config);
  await driver.initialize();
  return driver;
}

/** Returns a copy of `config` with `overrides` applied to its fields (CLI `--set key=value`). */
export function withFields(config: DriverConfig, overrides: Record<string, unknown>): DriverConfig {
  return { ...config, fields: { ...config.fields, ...overrides } };
}
