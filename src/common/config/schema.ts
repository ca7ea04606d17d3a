import { assert } from '../assert.js';

/**
 * A config schema: for each key its type, default, validator and a doc line (STYLE §9).
 * Keys keep RocketMQ's names so an operator's broker.conf / namesrv.conf works unchanged.
 */
export type ConfigValueType = 'string' | 'number' | 'boolean';

export interface ConfigKeySpec<T extends ConfigValueType = ConfigValueType> {
  type: T;
  default: ValueOf<T>;
  doc: string;
  /** Returns an error message when the value is out of range. */
  validate?: (value: ValueOf<T>) => string | undefined;
}

export type ValueOf<T extends ConfigValueType> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : boolean;

export type ConfigSchema = Readonly<Record<string, ConfigKeySpec>>;

export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: ValueOf<S[K]['type']>;
};

export function stringKey(defaultValue: string, doc: string): ConfigKeySpec<'string'> {
  return { type: 'string', default: defaultValue, doc };
}

export function numberKey(
  defaultValue: number,
  doc: string,
  range: { min?: number; max?: number } = {},
): ConfigKeySpec<'number'> {
  const { min, max } = range;
  return {
    type: 'number',
    default: defaultValue,
    doc,
    validate: (value) => {
      if (!Number.isFinite(value)) return 'must be a finite number';
      if (min !== undefined && value < min) return `must be >= ${min}`;
      if (max !== undefined && value > max) return `must be <= ${max}`;
      return undefined;
    },
  };
}

export function booleanKey(defaultValue: boolean, doc: string): ConfigKeySpec<'boolean'> {
  return { type: 'boolean', default: defaultValue, doc };
}

export function oneOfKey(defaultValue: string, allowed: readonly string[], doc: string): ConfigKeySpec<'string'> {
  assert(allowed.includes(defaultValue), 'default must be allowed');
  return {
    type: 'string',
    default: defaultValue,
    doc: `${doc} (one of ${allowed.join(', ')})`,
    validate: (value) => (allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')}`),
  };
}
