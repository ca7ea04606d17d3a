import { oneOfKey } from '../common/config/schema.js';
import { storeConfigSchema } from '../store/config.js';

/**
 * The store-side keys a broker.conf may carry: the store's own schema plus `brokerRole`
 * (RocketMQ keeps it in MessageStoreConfig; the broker uses it for slave behaviour).
 */
export const BROKER_ROLES = ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'] as const;

export const storeSchemaKeys = {
  ...storeConfigSchema,
  brokerRole: oneOfKey('ASYNC_MASTER', BROKER_ROLES, 'replication role'),
} as const;
