// Proves the OMB workload/driver file reader: every shipped workload and driver file loads, OMB's
// defaults apply, unknown fields and contradictory combinations are refused, and backlog sizes
// convert from GB to messages as OMB computes them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  WorkloadError, backlogMessageCount, consumerCount, loadDriverConfig, loadWorkload, workloadFromObject,
} from '../../../bench/load/workload.js';

const root = join(import.meta.dirname, '../../..');

describe('workload files', () => {
  it('loads every shipped workload file', () => {
    const directory = join(root, 'bench/load/workloads');
    const files = readdirSync(directory).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const workload = loadWorkload(join(directory, file));
      expect(workload.name).toBe(file.replace(/\.yaml$/, ''));
    }
  });

  it('loads every shipped driver file with a name and a driverClass', () => {
    const directory = join(root, 'bench/load/drivers');
    const files = readdirSync(directory).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(['nats.yaml', 'petrel-tcp.yaml', 'petrel-ws.yaml', 'redis.yaml']);
    for (const file of files) {
      const config = loadDriverConfig(join(directory, file));
      expect(config.name).toBe(file.replace(/\.yaml$/, ''));
      expect(config.fields).not.toHaveProperty('name');
      expect(config.fields).not.toHaveProperty('driverClass');
    }
  });
});

describe('workloadFromObject', () => {
  it('applies OMB defaults to a minimal workload', () => {
    const workload = workloadFromObject({ name: 'w', messageSize: 100, testDurationMinutes: 1 });
    expect(workload).toMatchObject({
      topics: 1, partitionsPerTopic: 1, keyDistributor: 'NO_KEY', subscriptionsPerTopic: 1,
      producersPerTopic: 1, consumerPerSubscription: 1, producerRate: 10_000, warmupDurationMinutes: 1,
    });
    expect(consumerCount(workload)).toBe(1);
  });

  it('refuses unknown fields, missing required ones and bad values', () => {
    const base = { name: 'w', messageSize: 100, testDurationMinutes: 1 };
    expect(() => workloadFromObject({ ...base, producerRat: 5 })).toThrow(/unknown field 'producerRat'/);
    expect(() => workloadFromObject({ name: 'w', testDurationMinutes: 1 })).toThrow(/messageSize is required/);
    expect(() => workloadFromObject({ ...base, topics: 0 })).toThrow(WorkloadError);
    expect(() => workloadFromObject({ ...base, partitionsPerTopic: 1.5 })).toThrow(/integer/);
    expect(() => workloadFromObject({ ...base, keyDistributor: 'SOMETIMES' })).toThrow(/keyDistributor/);
    expect(() => workloadFromObject({ ...base, producerRate: -1 })).toThrow(/non-negative/);
  });

  it('refuses a max-rate probe combined with a backlog, as OMB does', () => {
    expect(() => workloadFromObject({
      name: 'w', messageSize: 100, testDurationMinutes: 1, producerRate: 0, consumerBacklogMessages: 10,
    })).toThrow(/cannot be combined/);
  });

  it('converts a backlog in GB to messages (GiB / size) and prefers the message count', () => {
    const gb = workloadFromObject({ name: 'w', messageSize: 1024, testDurationMinutes: 1, consumerBacklogSizeGB: 1 });
    expect(backlogMessageCount(gb)).toBe(1024 * 1024);
    const counted = workloadFromObject({
      name: 'w', messageSize: 1024, testDurationMinutes: 1, consumerBacklogSizeGB: 1, consumerBacklogMessages: 7,
    });
    expect(backlogMessageCount(counted)).toBe(7);
    const none = workloadFromObject({ name: 'w', messageSize: 1024, testDurationMinutes: 1 });
    expect(backlogMessageCount(none)).toBe(0);
  });
});
