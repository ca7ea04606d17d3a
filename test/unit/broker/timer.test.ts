// Proves arbitrary-time delivery on the control plane (brief H10 §3) over an in-memory store
// with a FakeClock: the min-heap pops in (deliverMs, queue offset) order (property test); the
// checkpoint's low mark advances over out-of-order deliveries and round-trips through
// timerCheckpoint.json; the TimerService delivers each timed message to REAL_TOPIC / REAL_QID
// not before its time and in time order; a new service over the same store and persisted
// checkpoint (a restart) delivers what was pending and nothing twice; appendRouted picks timer
// over delay and stores a past time at once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendRouted, toTimed } from '../../../src/broker/timer/timed-message.js';
import { TimerCheckpoint } from '../../../src/broker/timer/timer-checkpoint.js';
import { type TimerEntry, TimerHeap } from '../../../src/broker/timer/timer-heap.js';
import { TimerService } from '../../../src/broker/timer/timer-service.js';
import type { MessageToAppend } from '../../../src/broker/store-facade.js';
import { silentLogger } from '../../../src/common/log.js';
import { makeControlPlane } from './harness.js';

const TIMER = 'PETREL_SYS_TIMER_TOPIC';

describe('TimerHeap', () => {
  it('pops entries in (deliverMs, queueOffset) order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
      const heap = new TimerHeap();
      times.forEach((deliverMs, queueOffset) => heap.push({ deliverMs, queueOffset, physicalOffset: queueOffset * 10 }));
      const popped: TimerEntry[] = [];
      for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) popped.push(entry);
      const expected = times.map((deliverMs, queueOffset) => ({ deliverMs, queueOffset }))
        .sort((a, b) => a.deliverMs - b.deliverMs || a.queueOffset - b.queueOffset);
      expect(popped.map(({ deliverMs, queueOffset }) => ({ deliverMs, queueOffset }))).toEqual(expected);
    }));
  });
});

describe('TimerCheckpoint', () => {
  it('advances the low mark over out-of-order deliveries and survives a reload', () => {
    const { dir } = makeControlPlane();
    const checkpoint = new TimerCheckpoint(dir);
    checkpoint.markDelivered(2);
    checkpoint.markDelivered(4);
    expect(checkpoint.lowOffset).toBe(0);
    checkpoint.markDelivered(0);
    expect(checkpoint.lowOffset).toBe(1);
    checkpoint.markDelivered(1);
    expect(checkpoint.lowOffset).toBe(3);
    expect(checkpoint.persist()).toBe(true);
    expect(checkpoint.persist()).toBe(false);
    const reloaded = new TimerCheckpoint(dir);
    reloaded.load();
    expect(reloaded.lowOffset).toBe(3);
    expect([2, 3, 4, 5].map((offset) => reloaded.isDelivered(offset))).toEqual([true, false, true, false]);
    reloaded.skipTo(4);
    expect(reloaded.lowOffset).toBe(5);
    expect(reloaded.aboveCount).toBe(0);
  });
});

describe('TimerService', () => {
  const message = (topic: string, queueId: number, properties: Record<string, string>): MessageToAppend => ({
    topic, queueId, body: Buffer.from(properties.TIMER_DELIVER_MS ?? 'x'), flag: 0, properties, sysFlag: 0,
    bornTimestampMs: 1, bornHost: '10.0.0.1:1', reconsumeTimes: 0, preparedTransactionOffset: 0,
  });

  it('delivers each message to its real queue in time order, never early, and once across a restart', async () => {
    const h = makeControlPlane();
    const baseMs = h.clock.nowMs();
    const offsetsMs = [3000, 1000, 2000, 1000, 10 * 3_600_000];
    for (const [index, deltaMs] of offsetsMs.entries()) {
      const deliverMs = baseMs + deltaMs;
      await h.store.append(toTimed(message('TopicT', index % 2, { TIMER_DELIVER_MS: String(deliverMs) }), deliverMs));
    }
    const checkpoint = new TimerCheckpoint(h.dir);
    const timer = new TimerService({ store: h.store, checkpoint, clock: h.clock, logger: silentLogger });
    const delivered = () => h.store.appended.filter((m) => m.topic === 'TopicT');
    expect(await timer.runOnce()).toBe(0);
    expect(timer.pendingCount).toBe(5);
    h.clock.advanceMs(999);
    expect(await timer.runOnce()).toBe(0);
    h.clock.advanceMs(1);
    expect(await timer.runOnce()).toBe(2);
    expect(delivered().map((m) => [m.queueId, m.properties.REAL_QID, m.properties.WAIT])).toEqual([[1, '1', 'false'], [1, '1', 'false']]);
    h.clock.advanceMs(1000);
    expect(await timer.runOnce()).toBe(1);
    checkpoint.persist(true);
    // Restart: a fresh service and checkpoint read back from disk.
    const reloaded = new TimerCheckpoint(h.dir);
    reloaded.load();
    const restarted = new TimerService({ store: h.store, checkpoint: reloaded, clock: h.clock, logger: silentLogger });
    expect(await restarted.runOnce()).toBe(0);
    expect(restarted.pendingCount).toBe(2);
    h.clock.advanceMs(1000);
    expect(await restarted.runOnce()).toBe(1);
    h.clock.advanceMs(10 * 3_600_000);
    expect(await restarted.runOnce()).toBe(1);
    expect(delivered().map((m) => m.body.toString())).toEqual(
      [1000, 1000, 2000, 3000, 10 * 3_600_000].map((deltaMs) => String(baseMs + deltaMs)));
    expect(restarted.pendingCount).toBe(0);
    expect(reloaded.lowOffset).toBe(5);
  });

  it('keeps a message whose store append is refused and delivers it later', async () => {
    const h = makeControlPlane();
    const deliverMs = h.clock.nowMs() + 10;
    await h.store.append(toTimed(message('TopicT', 0, { TIMER_DELIVER_MS: String(deliverMs) }), deliverMs));
    const timer = new TimerService({ store: h.store, checkpoint: new TimerCheckpoint(h.dir), clock: h.clock, logger: silentLogger });
    h.clock.advanceMs(10);
    h.store.refuse = 'busy';
    await expect(timer.runOnce()).rejects.toThrow(/refused/);
    h.store.refuse = null;
    expect(await timer.runOnce()).toBe(1);
  });

  it('routes control-plane appends: timer over delay, a past time straight to the topic', async () => {
    const h = makeControlPlane();
    const nowMs = h.clock.nowMs();
    await appendRouted(h.store, message('TopicT', 1, { TIMER_DELIVER_MS: String(nowMs + 5), DELAY: '3' }), [1000, 2000, 3000], nowMs);
    await appendRouted(h.store, message('TopicT', 1, { TIMER_DELIVER_MS: String(nowMs) }), [1000], nowMs);
    await appendRouted(h.store, message('TopicT', 1, { DELAY: '1' }), [1000], nowMs);
    expect(h.store.appended.map((m) => [m.topic, m.tagsCodeOverride])).toEqual([
      [TIMER, nowMs + 5], ['TopicT', undefined], ['SCHEDULE_TOPIC_XXXX', nowMs + 1000],
    ]);
    expect(h.store.appended[0]?.properties.DELAY).toBeUndefined();
  });
});
