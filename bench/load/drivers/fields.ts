/** Typed readers for driver YAML fields; a wrong type is refused, never coerced. */

export class DriverConfigError extends Error {
  override name = 'DriverConfigError';
}

export function checkKnownFields(fields: Record<string, unknown>, known: readonly string[], driver: string): void {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) throw new DriverConfigError(`${driver}: unknown driver field '${key}'`);
  }
}

export function stringField(fields: Record<string, unknown>, key: string, fallback: string): string {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new DriverConfigError(`${key} must be a string`);
  return value;
}

export function numberField(fields: Record<string, unknown>, key: string, fallback: number): number {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DriverConfigError(`${key} must be a number`);
  return value;
}

export function booleanField(fields: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new DriverConfigError(`${key} must be true or false`);
  return value;
}

export function choiceField<T extends string>(fields: Record<string, unknown>, key: string, choices: readonly T[], fallback: T): T {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new DriverConfigError(`${key} must be one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** A short random suffix for topic names, so runs never share data. */
export function runSuffix(): string {
  return Math.random().toString(36).slice(2, 9);
}
