// Proves the max-rate probe's rules (OMB's RateController approach): it ramps up while published
// keeps pace with the schedule, and when a backlog appears it drops to what was achieved, never to
// zero; the ramp factor halves on each slowdown and doubles back on each success.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { RateController } from '../../../bench/load/rate-controller.js';

describe('RateController', () => {
  it('doubles the rate while the system keeps up, then slows to the achieved rate', () => {
    const controller = new RateController();
    let published = 0;
    published += 10_000;
    const first = controller.next(10_000, 1, published, 0, false);
    expect(first).toEqual({ nextRate: 20_000, reason: 'ramp-up' });
    published += 12_000; // 8 000 of the 20 000 scheduled did not make it
    const second = controller.next(20_000, 1, published, 0, false);
    expect(second.reason).toBe('publish-backlog');
    expect(second.nextRate).toBe(12_000);
    published += 12_000;
    // After one slowdown the factor is 0.5 and doubles back to 1 on success.
    expect(controller.next(12_000, 1, published, 0, false)).toEqual({ nextRate: 24_000, reason: 'ramp-up' });
  });

  it('slows down on a receive backlog only when asked to check it', () => {
    const withConsumers = new RateController();
    const decision = withConsumers.next(10_000, 1, 10_000, 2_000, true);
    expect(decision.reason).toBe('receive-backlog');
    expect(decision.nextRate).toBe(2_000);
    const producersOnly = new RateController();
    expect(producersOnly.next(10_000, 1, 10_000, 2_000, false).reason).toBe('ramp-up');
  });

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.boolean()), { minLength: 1, maxLength: 50 })])(
    'never proposes a rate below 1 msg/s or a non-finite one',
    (steps) => {
      const controller = new RateController();
      let rate = 10_000;
      let published = 0;
      let received = 0;
      for (const [delta, check] of steps) {
        published += delta;
        received += Math.floor(delta / 2);
        rate = controller.next(rate, 1, published, received, check).nextRate;
        expect(Number.isFinite(rate)).toBe(true);
        expect(rate).toBeGreaterThanOrEqual(1);
      }
    },
  );
});
