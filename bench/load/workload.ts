/**
 * Reads OMB workload and driver YAML files. Field names and defaults follow OMB's Workload.java
 * (ecosystem.md §6.1); unknown fields are refused so a typo cannot silently change a run.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { assert } from '../../src/common/assert.js';
import { KeyDistributor } from './types.js';
import type { DriverConfig, Workload } from './types.js';

/** OMB's defaults for the optional fields, plus ours. */
const WORKLOAD_DEFAULTS: Omit<Workload, 'name' | 'messageSize' | 'testDurationMinutes'> = {
  topics: 1,
  partitionsPerTopic: 1,
  keyDistributor: KeyDistributor.NO_KEY,
  useRandomizedPayloads: false,
  randomBytesRatio: 0,
  randomizedPayloadPoolSize: 0,
  payloadFile: undefined,
  subscriptionsPerTopic: 1,
  producersPerTopic: 1,
  consumerPerSubscription: 1,
  producerRate: 10_000,
  consumerBacklogSizeGB: 0,
  backlogDrainRatio: 1,
  warmupDurationMinutes: 1,
  consumerBacklogMessages: 0,
  maxOutstandingSends: 8_192,
  tagCount: 0,
};

const NUMBER_FIELDS = [
  'topics', 'partitionsPerTopic', 'messageSize', 'randomBytesRatio', 'randomizedPayloadPoolSize',
  'subscriptionsPerTopic', 'producersPerTopic', 'consumerPerSubscription', 'producerRate',
  'consumerBacklogSizeGB', 'backlogDrainRatio', 'testDurationMinutes', 'warmupDurationMinutes',
  'consumerBacklogMessages', 'maxOutstandingSends', 'tagCount',
] as const;
const KNOWN_FIELDS = new Set<string>([
  ...NUMBER_FIELDS, 'name', 'keyDistributor', 'useRandomizedPayloads', 'payloadFile',
]);

/** Message stamps need 12 bytes (magic + float64 µs); smaller payloads carry no stamp. */
export const MESSAGE_SIZE_BYTES_MAX = 4 * 1024 * 1024;

export class WorkloadError extends Error {
  override name = 'WorkloadError';
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WorkloadError(`${what}: expected a YAML mapping`);
  }
  return value as Record<string, unknown>;
}

function readNumber(raw: Record<string, unknown>, field: string, what: string): number | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new WorkloadError(`${what}: ${field} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

/** Builds a validated Workload from parsed YAML (exported for tests and generated workloads). */
export function workloadFromObject(value: unknown, what = 'workload'): Workload {
  const raw = asRecord(value, what);
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) throw new WorkloadError(`${what}: unknown field '${key}'`);
  }
  const numbers: Partial<Record<(typeof NUMBER_FIELDS)[number], number>> = {};
  for (const field of NUMBER_FIELDS) {
    const parsed = readNumber(raw, field, what);
    if (parsed !== undefined) numbers[field] = parsed;
  }
  if (typeof raw.name !== 'string' || raw.name.length === 0) {
    throw new WorkloadError(`${what}: name is required`);
  }
  if (numbers.messageSize === undefined) throw new WorkloadError(`${what}: messageSize is required`);
  if (numbers.testDurationMinutes === undefined) {
    throw new WorkloadError(`${what}: testDurationMinutes is required`);
  }
  const keyDistributor = raw.keyDistributor ?? KeyDistributor.NO_KEY;
  if (!(Object.values(KeyDistributor) as unknown[]).includes(keyDistributor)) {
    throw new WorkloadError(`${what}: keyDistributor must be one of ${Object.values(KeyDistributor).join(', ')}`);
  }
  const workload: Workload = {
    ...WORKLOAD_DEFAULTS,
    ...numbers,
    name: raw.name,
    messageSize: numbers.messageSize,
    testDurationMinutes: numbers.testDurationMinutes,
    keyDistributor: keyDistributor as KeyDistributor,
    useRandomizedPayloads: raw.useRandomizedPayloads === true,
    payloadFile: typeof raw.payloadFile === 'string' ? raw.payloadFile : undefined,
  };
  validateWorkload(workload, what);
  return workload;
}

function validateWorkload(workload: Workload, what: string): void {
  const integers = ['topics', 'partitionsPerTopic', 'messageSize', 'producersPerTopic',
    'subscriptionsPerTopic', 'consumerPerSubscription', 'maxOutstandingSends', 'tagCount',
    'consumerBacklogMessages'] as const;
  for (const field of integers) {
    if (!Number.isInteger(workload[field])) throw new WorkloadError(`${what}: ${field} must be an integer`);
  }
  if (workload.topics < 1) throw new WorkloadError(`${what}: topics must be >= 1`);
  if (workload.partitionsPerTopic < 1) throw new WorkloadError(`${what}: partitionsPerTopic must be >= 1`);
  if (workload.producersPerTopic < 1) throw new WorkloadError(`${what}: producersPerTopic must be >= 1`);
  if (workload.messageSize < 1 || workload.messageSize > MESSAGE_SIZE_BYTES_MAX) {
    throw new WorkloadError(`${what}: messageSize must be in 1..${MESSAGE_SIZE_BYTES_MAX}`);
  }
  if (workload.maxOutstandingSends < 1) throw new WorkloadError(`${what}: maxOutstandingSends must be >= 1`);
  if (workload.backlogDrainRatio <= 0 || workload.backlogDrainRatio > 1) {
    throw new WorkloadError(`${what}: backlogDrainRatio must be in (0, 1]`);
  }
  const hasBacklog = backlogMessageCount(workload) > 0;
  // OMB refuses this pair too: a rate probe needs consumers keeping up, a backlog needs them paused.
  if (hasBacklog && workload.producerRate === 0) {
    throw new WorkloadError(`${what}: producerRate 0 (max-rate probe) cannot be combined with a backlog`);
  }
  if (hasBacklog && consumerCount(workload) === 0) {
    throw new WorkloadError(`${what}: a backlog needs at least one consumer to drain it`);
  }
}

/** Consumers across all topics and subscriptions. */
export function consumerCount(workload: Workload): number {
  return workload.topics * workload.subscriptionsPerTopic * workload.consumerPerSubscription;
}

/** Messages to accumulate before draining; 0 when the workload has no backlog phase. */
export function backlogMessageCount(workload: Workload): number {
  if (workload.consumerBacklogMessages > 0) return workload.consumerBacklogMessages;
  if (workload.consumerBacklogSizeGB <= 0) return 0;
  return Math.ceil((workload.consumerBacklogSizeGB * 1024 ** 3) / workload.messageSize);
}

export function loadWorkload(path: string): Workload {
  return workloadFromObject(parse(readFileSync(path, 'utf8')), path);
}

export function loadDriverConfig(path: string): DriverConfig {
  const raw = asRecord(parse(readFileSync(path, 'utf8')), path);
  if (typeof raw.name !== 'string' || typeof raw.driverClass !== 'string') {
    throw new WorkloadError(`${path}: a driver file needs 'name' and 'driverClass'`);
  }
  const { name, driverClass, ...fields } = raw;
  assert(typeof name === 'string' && typeof driverClass === 'string');
  return { name, driverClass, fields, sourcePath: path };
}
