/**
 * What `make bench-compare` runs: which servers, which driver on each, which workloads on each
 * driver, and the bars (issue 7) that turn the results into ratios.
 */
import type { Workload } from '../types.js';

/** Workload files under bench/load/workloads/, by role. */
export const COMPARE_WORKLOADS = {
  produce128b: 'compare-produce-128b.yaml',
  produce1kb: 'compare-produce-1kb.yaml',
  produce1kbSync: 'compare-produce-1kb-sync.yaml',
  drain128b: 'compare-drain-128b-1m.yaml',
  endToEnd5k: 'compare-e2e-5k.yaml',
} as const;
export type CompareWorkload = keyof typeof COMPARE_WORKLOADS;

export type ServerKind = 'redis-everysec' | 'redis-always' | 'nats' | 'petrel-async' | 'petrel-sync';

export interface PlannedDriver {
  /** The result's driver name. */
  name: string;
  /** Driver file under bench/load/drivers/. */
  file: string;
  workloads: CompareWorkload[];
}

export interface PlannedServer {
  kind: ServerKind;
  drivers: PlannedDriver[];
}

export const COMPARE_PLAN: PlannedServer[] = [
  { kind: 'redis-everysec', drivers: [{ name: 'redis', file: 'redis.yaml', workloads: ['produce128b', 'produce1kb', 'drain128b', 'endToEnd5k'] }] },
  { kind: 'redis-always', drivers: [{ name: 'redis-always', file: 'redis.yaml', workloads: ['produce1kbSync'] }] },
  { kind: 'nats', drivers: [{ name: 'nats', file: 'nats.yaml', workloads: ['produce128b', 'produce1kb', 'drain128b', 'endToEnd5k'] }] },
  {
    kind: 'petrel-async',
    drivers: [
      { name: 'petrel-tcp', file: 'petrel-tcp.yaml', workloads: ['produce128b', 'produce1kb', 'drain128b', 'endToEnd5k'] },
      { name: 'petrel-ws', file: 'petrel-ws.yaml', workloads: ['produce128b', 'produce1kb', 'endToEnd5k'] },
    ],
  },
  { kind: 'petrel-sync', drivers: [{ name: 'petrel-sync-tcp', file: 'petrel-tcp.yaml', workloads: ['produce1kbSync'] }] },
];

/** Shortens (or lengthens) a workload for a smoke run: durations and backlog times `scale`. */
export function scaleWorkload(workload: Workload, scale: number): Workload {
  if (scale === 1) return workload;
  return {
    ...workload,
    warmupDurationMinutes: workload.warmupDurationMinutes * scale,
    testDurationMinutes: workload.testDurationMinutes * scale,
    consumerBacklogMessages: Math.ceil(workload.consumerBacklogMessages * scale),
    consumerBacklogSizeGB: workload.consumerBacklogSizeGB * scale,
  };
}

/** How a ratio is judged: Petrel ÷ peer must be at least (throughput) or at most (latency) `bar`. */
export interface RatioSpec {
  key: string;
  label: string;
  workload: CompareWorkload;
  petrel: string;
  peer: string;
  metric: 'publishRate' | 'drainRate' | 'e2eP99' | 'e2eP999';
  bar: { kind: 'min' | 'max'; value: number } | undefined;
  /** An absolute floor on Petrel's own value (msg/s), when the issue sets one. */
  absoluteMin?: number;
}

const peers = [['Redis', 'redis'], ['NATS', 'nats']] as const;

function throughputRatios(): RatioSpec[] {
  const specs: RatioSpec[] = [];
  for (const [peerLabel, peer] of peers) {
    const isRedis = peer === 'redis';
    for (const transport of ['tcp', 'ws'] as const) {
      specs.push({
        key: `produce128b${transport === 'ws' ? 'Ws' : ''}Vs${peerLabel}`, label: `produce 128 B ASYNC msg/s (${transport})`,
        workload: 'produce128b', petrel: `petrel-${transport}`, peer, metric: 'publishRate',
        bar: isRedis && transport === 'tcp' ? { kind: 'min', value: 3 } : undefined,
      });
      specs.push({
        key: `produce1kb${transport === 'ws' ? 'Ws' : ''}Vs${peerLabel}`, label: `produce 1 KiB ASYNC msg/s (${transport})`,
        workload: 'produce1kb', petrel: `petrel-${transport}`, peer, metric: 'publishRate',
        bar: isRedis && transport === 'tcp' ? { kind: 'min', value: 2 } : undefined,
        ...(isRedis && transport === 'tcp' ? { absoluteMin: 150_000 } : {}),
      });
    }
    specs.push({
      key: `drain128bVs${peerLabel}`, label: 'drain 1M x 128 B backlog msg/s (tcp)', workload: 'drain128b',
      petrel: 'petrel-tcp', peer, metric: 'drainRate', bar: isRedis ? { kind: 'min', value: 2 } : undefined,
    });
    for (const [metric, text] of [['e2eP99', 'p99'], ['e2eP999', 'p99.9']] as const) {
      specs.push({
        key: `${metric}At5kVs${peerLabel}`, label: `end-to-end ${text} at 5k msg/s (tcp, lower is better)`,
        workload: 'endToEnd5k', petrel: 'petrel-tcp', peer, metric, bar: isRedis ? { kind: 'max', value: 1 } : undefined,
      });
    }
  }
  specs.push({
    key: 'produce1kbSyncVsRedisAlways', label: 'produce 1 KiB SYNC_FLUSH vs appendfsync always msg/s',
    workload: 'produce1kbSync', petrel: 'petrel-sync-tcp', peer: 'redis-always', metric: 'publishRate',
    bar: { kind: 'min', value: 3 },
  });
  return specs;
}

export const RATIO_SPECS: RatioSpec[] = throughputRatios();
