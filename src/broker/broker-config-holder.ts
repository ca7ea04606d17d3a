import { writeFileSync } from 'node:fs';
import type { Clock } from '../common/clock.js';
import { formatConfig, loadConfig } from '../common/config/load.js';
import { isPetrelError } from '../common/errors.js';
import type { BrokerConfig } from './config.js';
import { brokerSchema } from './config.js';
import type { DataVersion } from './data-version.js';
import { initialDataVersion, nextDataVersion } from './data-version.js';
import { Listeners } from './listeners.js';

/** Keys UPDATE_BROKER_CONFIG may never change (reference §2.6). */
const BLACKLISTED_KEYS: ReadonlySet<string> = new Set(['configBlackList', 'brokerConfigPath']);

export type ConfigUpdateResult =
  | { status: 'ok'; changedKeys: string[] }
  | { status: 'forbidden'; key: string }
  | { status: 'invalid'; message: string };

/**
 * The broker's live configuration: loaded once, replaced (never mutated) by
 * UPDATE_BROKER_CONFIG, which validates through the same schema as startup, persists every key
 * to the `-c` file (or `persistPath` when started without one, as RocketMQ does) and tells
 * listeners which keys changed. Main thread only.
 */
export class BrokerConfigHolder {
  private config: BrokerConfig;
  private dataVersion: DataVersion;
  private readonly listeners = new Listeners<readonly string[]>();

  constructor(
    initial: BrokerConfig,
    private readonly persistPath: string,
    private readonly clock: Clock,
  ) {
    this.config = initial;
    this.dataVersion = initialDataVersion(clock);
  }

  current(): BrokerConfig {
    return this.config;
  }

  version(): DataVersion {
    return { ...this.dataVersion };
  }

  /** Properties text of every key, the GET_BROKER_CONFIG body. */
  format(): string {
    return `${formatConfig(this.config)}\n`;
  }

  onChange(listener: (changedKeys: readonly string[]) => void): () => void {
    return this.listeners.add(listener);
  }

  update(properties: Readonly<Record<string, string>>): ConfigUpdateResult {
    for (const key of Object.keys(properties)) {
      if (BLACKLISTED_KEYS.has(key)) return { status: 'forbidden', key };
    }
    let next: BrokerConfig;
    try {
      next = loadConfig(brokerSchema, { overrides: { ...asStrings(this.config), ...properties } });
    } catch (error) {
      if (isPetrelError(error)) return { status: 'invalid', message: error.message };
      throw error;
    }
    const changedKeys = Object.keys(properties).filter(
      (key) => next[key as keyof BrokerConfig] !== this.config[key as keyof BrokerConfig],
    );
    if (changedKeys.length === 0) return { status: 'ok', changedKeys };
    this.config = next;
    this.dataVersion = nextDataVersion(this.dataVersion, this.clock);
    writeFileSync(this.persistPath, this.format());
    this.listeners.emit(changedKeys);
    return { status: 'ok', changedKeys };
  }
}

function asStrings(config: BrokerConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) out[key] = String(value);
  return out;
}
