import { readFileSync } from 'node:fs';
import { getProperties } from 'properties-file';
import { ErrorCode, PetrelError } from '../errors.js';
import type { ConfigOf, ConfigSchema, ConfigKeySpec } from './schema.js';

/**
 * Load once, validate, freeze (STYLE §9). Sources, later wins: schema defaults, the
 * properties file (`-c`), then `--key=value` overrides. Unknown keys are an error naming the key.
 */
export interface ConfigSources {
  file?: string | undefined;
  overrides?: Readonly<Record<string, string>>;
}

export function loadConfig<S extends ConfigSchema>(schema: S, sources: ConfigSources): ConfigOf<S> {
  const raw: Record<string, string> = {};
  if (sources.file !== undefined) {
    Object.assign(raw, getProperties(readFileSync(sources.file)));
  }
  Object.assign(raw, sources.overrides ?? {});
  const result: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) result[key] = spec.default;
  for (const [key, text] of Object.entries(raw)) {
    const spec = schema[key];
    if (spec === undefined) {
      throw new PetrelError(ErrorCode.ERR_CONFIG_UNKNOWN_KEY, `unknown config key: ${key}`);
    }
    result[key] = parseValue(key, spec, text.trim());
  }
  return Object.freeze(result) as ConfigOf<S>;
}

function parseValue(key: string, spec: ConfigKeySpec, text: string): string | number | boolean {
  let value: string | number | boolean;
  switch (spec.type) {
    case 'string':
      value = text;
      break;
    case 'number':
      if (!/^-?\d+(\.\d+)?$/.test(text)) throw invalid(key, text, 'must be a number');
      value = Number(text);
      break;
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw invalid(key, text, 'must be true or false');
      value = text === 'true';
      break;
  }
  const problem = (spec.validate as ((v: unknown) => string | undefined) | undefined)?.(value);
  if (problem !== undefined) throw invalid(key, text, problem);
  return value;
}

function invalid(key: string, text: string, problem: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `config key ${key}=${text}: ${problem}`);
}

/** Renders a config as a properties file, the way `-p` prints it. */
export function formatConfig(config: Readonly<Record<string, unknown>>): string {
  return Object.entries(config)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n');
}

/**
 * Splits a command line into `-x value` options and `--key=value` config overrides.
 * Flags in `flagNames` take no value (`-p`).
 */
export function parseCommandLine(
  argv: readonly string[],
  flagNames: readonly string[] = ['-p', '-h'],
): { options: Record<string, string>; flags: Set<string>; overrides: Record<string, string> } {
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq < 0) throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `expected --key=value, got ${arg}`);
      overrides[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (flagNames.includes(arg)) {
      flags.add(arg);
    } else if (arg.startsWith('-') && i + 1 < argv.length) {
      options[arg] = argv[++i] as string;
    } else {
      throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `unexpected argument: ${arg}`);
    }
  }
  return { options, flags, overrides };
}
