// Proves the open-loop sender's contract with a fake producer: it issues exactly the number of
// sends it was limited to, stamps them with evenly spaced intended times (1/rate apart, whatever
// the replies do), never exceeds its in-flight bound, spreads sends over its producers, and
// counts failures by kind. No assertion depends on how fast this machine is.
import { describe, expect, it } from 'vitest';
import { OpenLoopSender, sendErrorKind } from '../../../bench/load/sender.js';
import { PayloadFactory, readStamp } from '../../../bench/load/payload.js';
import { BenchStats } from '../../../bench/load/stats.js';
import type { BenchmarkProducer } from '../../../bench/load/types.js';

class FakeProducer implements BenchmarkProducer {
  readonly stamps: number[] = [];
  inFlight = 0;
  inFlightPeak = 0;
  private readonly pending: Array<() => void> = [];
  constructor(private readonly mode: 'resolve' | 'hold' | 'reject') {}
  send(payload: Buffer): Promise<void> {
    this.stamps.push(readStamp(payload) ?? Number.NaN);
    this.inFlight++;
    this.inFlightPeak = Math.max(this.inFlightPeak, this.inFlight);
    if (this.mode === 'reject') {
      this.inFlight--;
      return Promise.reject(Object.assign(new Error('refused'), { responseCode: 14 }));
    }
    return new Promise((resolve) => {
      const done = (): void => {
        this.inFlight--;
        resolve();
      };
      if (this.mode === 'resolve') queueMicrotask(done);
      else this.pending.push(done);
    });
  }
  releaseAll(): void {
    for (const done of this.pending.splice(0)) done();
  }
  async close(): Promise<void> {}
}

function senderFor(producers: FakeProducer[], maxOutstanding: number, stats: BenchStats): OpenLoopSender {
  return new OpenLoopSender({
    producers, payloads: new PayloadFactory([Buffer.alloc(32)]), stats, maxOutstanding,
    keyDistributor: 'NO_KEY', tagCount: 0, delayLevel: 0,
  });
}

describe('OpenLoopSender', () => {
  it('issues exactly the limited count, 1/rate apart, spread over the producers', async () => {
    const producers = [new FakeProducer('resolve'), new FakeProducer('resolve')];
    const stats = new BenchStats(0, 0);
    const sender = senderFor(producers, 64, stats);
    const reached = sender.limitTo(500);
    sender.setRate(1_000_000); // one slot per µs: far more than a machine sends, so slots are always due
    await reached;
    await sender.stop();
    expect(producers[0]!.stamps.length).toBe(250);
    expect(producers[1]!.stamps.length).toBe(250);
    expect(stats.totalSent).toBe(500);
    const stamps = [producers[0]!.stamps, producers[1]!.stamps].flat().sort((a, b) => a - b);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeCloseTo(1, 3);
  });

  it('never has more sends in flight than its bound', async () => {
    const producer = new FakeProducer('hold');
    const sender = senderFor([producer], 16, new BenchStats(0, 0));
    const reached = sender.limitTo(100);
    sender.setRate(1_000_000);
    for (let round = 0; round < 20 && producer.stamps.length < 100; round++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(producer.inFlight).toBeLessThanOrEqual(16);
      producer.releaseAll();
    }
    await reached;
    producer.releaseAll();
    await sender.stop();
    expect(producer.inFlightPeak).toBe(16);
    expect(producer.stamps.length).toBe(100);
  });

  it('counts refused sends as response failures', async () => {
    const stats = new BenchStats(0, 0);
    const sender = senderFor([new FakeProducer('reject')], 8, stats);
    const reached = sender.limitTo(20);
    sender.setRate(1_000_000);
    await reached;
    await sender.stop();
    expect(stats.totalSendErrors).toBe(20);
    expect(stats.errorsByKind.get('response')).toBe(20);
    expect(sendErrorKind(new Error('socket closed'))).toBe('send');
    expect(sendErrorKind({ code: 'ERR_RESPONSE' })).toBe('response');
  });
});
