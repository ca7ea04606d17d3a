// Proves delayed and timed delivery through the SDK ('petrel') against real bin/mqnamesrv +
// bin/mqbroker processes: a Producer sends messages with msg.delayTimeLevel = 1..4 and one with
// msg.deliverTimeMs = now + 2500; the broker is restarted gracefully while many of them are still
// waiting (and right after a second 2500 ms timed message was sent); a PushConsumer receives every one of them exactly once and none before its time (the
// client's clock before the send + the level's delay, or deliverTimeMs; the broker's due time is
// its store time + delay, which is later). Lateness is printed, not asserted (numbers belong to
// docs/benchmarks.md). `make test` runs a short table (messageDelayLevel "1s 2s 3s 4s", 10 per
// level); the full bar (default levels, so level 4 = 30 s, 100 per level) runs with
//   PETREL_DELAY_BAR=1 npx vitest run test/integration/delay-sdk.test.ts
import { join } from 'node:path';
import { Message, type MessageExt, Producer, PushConsumer } from 'petrel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type Cluster, createTopic, startCluster, waitFor } from './broker-data-cluster.js';
import { restartBrokerGracefully } from './msgtypes-helpers.js';

const BAR = process.env['PETREL_DELAY_BAR'] === '1';
const LEVEL_DELAYS_MS = BAR ? [1000, 5000, 10_000, 30_000] : [1000, 2000, 3000, 4000];
const PER_LEVEL = BAR ? 100 : 10;
const RESTART_AFTER_MS = BAR ? 7000 : 1200;
const TIMER_AHEAD_MS = 2500;
const TOPIC = 'DelaySdk';

let cluster: Cluster;
let logDir: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startCluster({ brokerArgs: BAR ? [] : ['--messageDelayLevel=1s 2s 3s 4s'] });
  logDir = join(cluster.dir, 'client-logs');
  const admin = new RemotingClient();
  await createTopic(cluster, admin, TOPIC);
  admin.close();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await cluster?.stop();
});

interface Expected {
  /** The earliest the client may see it: its clock before the send + the delay. */
  readonly notBeforeMs: number;
  readonly kind: string;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

describe('delayed and timed messages through the SDK', () => {
  it('arrive once, none early, across a graceful broker restart', async () => {
    const arrivals = new Map<string, number[]>();
    const consumer = new PushConsumer({
      groupName: 'delay_sdk_cg', namesrvAddr: cluster.namesrvAddress, logDir,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', heartbeatBrokerIntervalMs: 1000, pullTimeDelayMillsWhenException: 200,
    });
    consumer.subscribe(TOPIC, '*');
    consumer.registerMessageListener((messages: MessageExt[]) => {
      const nowMs = Date.now();
      for (const message of messages) arrivals.set(message.keys ?? '', [...(arrivals.get(message.keys ?? '') ?? []), nowMs]);
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    closers.push(() => consumer.shutdown());
    const producer = new Producer({ groupName: 'delay_sdk_pg', namesrvAddr: cluster.namesrvAddress, logDir });
    await producer.start();
    closers.push(() => producer.shutdown());

    const expected = new Map<string, Expected>();
    const timerKey = 'timer';
    const deliverTimeMs = Date.now() + TIMER_AHEAD_MS;
    const timed = new Message(TOPIC, 'TagTimer', timerKey, 'timed');
    timed.deliverTimeMs = deliverTimeMs;
    await producer.send(timed);
    expected.set(timerKey, { notBeforeMs: deliverTimeMs, kind: 'deliverTimeMs+2500' });
    for (let index = 0; index < PER_LEVEL; index++) {
      for (let level = 1; level <= LEVEL_DELAYS_MS.length; level++) {
        const key = `L${level}-${index}`;
        const message = new Message(TOPIC, 'TagDelay', key, `level ${level} #${index}`);
        message.delayTimeLevel = level;
        const sentMs = Date.now();
        await producer.send(message);
        expected.set(key, { notBeforeMs: sentMs + (LEVEL_DELAYS_MS[level - 1] as number), kind: `level${level}` });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, RESTART_AFTER_MS));
    const lastTimed = new Message(TOPIC, 'TagTimer', 'timer-across-restart', 'timed across the restart');
    lastTimed.deliverTimeMs = Date.now() + TIMER_AHEAD_MS;
    await producer.send(lastTimed);
    expected.set('timer-across-restart', { notBeforeMs: lastTimed.deliverTimeMs, kind: 'deliverTimeMs+2500 across restart' });
    const pendingAtRestart = expected.size - arrivals.size;
    await restartBrokerGracefully(cluster);

    const lastMs = Math.max(...[...expected.values()].map((e) => e.notBeforeMs));
    const allArrived = await waitFor(() => arrivals.size >= expected.size, lastMs - Date.now() + 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(allArrived, `${arrivals.size} of ${expected.size} arrived`).toBe(true);
    expect(pendingAtRestart).toBeGreaterThan(0);

    const latenessByKind = new Map<string, number[]>();
    for (const [key, { notBeforeMs, kind }] of expected) {
      const seen = arrivals.get(key) ?? [];
      expect(seen, key).toHaveLength(1);
      const arrivedMs = seen[0] as number;
      expect(arrivedMs, `${key} early by ${notBeforeMs - arrivedMs} ms`).toBeGreaterThanOrEqual(notBeforeMs);
      latenessByKind.set(kind, [...(latenessByKind.get(kind) ?? []), arrivedMs - notBeforeMs]);
    }
    const report = [...latenessByKind].map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${kind}: n=${sorted.length} p50=${percentile(sorted, 0.5)} p99=${percentile(sorted, 0.99)} max=${sorted.at(-1)} ms`;
    });
    console.info(`delay lateness (restart at +${RESTART_AFTER_MS} ms, ${pendingAtRestart} pending):\n  ${report.join('\n  ')}`);
  }, BAR ? 120_000 : 45_000);
});
