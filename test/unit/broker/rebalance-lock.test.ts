// Proves the broker's queue locks for orderly consumers (reference §5.5) with a FakeClock: a free
// queue is granted; the holder renews it; another client is refused while the lock lives and
// granted once it has not been refreshed for longer than rebalanceLockMaxLiveTime; only the
// holder can unlock; groups are independent; and LOCK_BATCH_MQ / UNLOCK_BATCH_MQ carry RocketMQ's
// bodies through the control plane, answering the queues now held in lockOKMQSet.
import { describe, expect, it } from 'vitest';
import { RebalanceLockManager } from '../../../src/broker/rebalance-lock-manager.js';
import { FakeClock } from '../../../src/common/clock.js';
import {
  type MessageQueue, decodeLockBatchResponseBody, encodeLockBatchRequestBody,
} from '../../../src/protocol/bodies/client.js';
import { createRequest } from '../../../src/protocol/command.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { makeControlPlane } from './harness.js';

const q = (queueId: number, topic = 'T'): MessageQueue => ({ topic, brokerName: 'broker-a', queueId });

describe('RebalanceLockManager', () => {
  const make = (liveMs = 60_000) => {
    const clock = new FakeClock(1_000_000);
    return { clock, locks: new RebalanceLockManager(clock, () => liveMs) };
  };

  it('grants free queues, renews for the holder and refuses others while the lock lives', () => {
    const { clock, locks } = make();
    expect(locks.tryLockBatch('G', [q(0), q(1)], 'c1')).toEqual([q(0), q(1)]);
    clock.advanceMs(30_000);
    expect(locks.tryLockBatch('G', [q(1), q(2)], 'c2')).toEqual([q(2)]);
    expect(locks.tryLockBatch('G', [q(0), q(1)], 'c1')).toEqual([q(0), q(1)]);
    clock.advanceMs(59_000);
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([]);
    expect(locks.holderOf('G', q(0))).toBe('c1');
    expect(locks.isLocked('G', q(0), 'c1')).toBe(true);
  });

  it('hands an expired lock to anyone (the boundary itself is still held)', () => {
    const { clock, locks } = make(60_000);
    locks.tryLockBatch('G', [q(0)], 'c1');
    clock.advanceMs(60_000);
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([]);
    clock.advanceMs(1);
    expect(locks.isLocked('G', q(0), 'c1')).toBe(false);
    expect(locks.tryLockBatch('G', [q(0)], 'c2')).toEqual([q(0)]);
    expect(locks.holderOf('G', q(0))).toBe('c2');
  });

  it('unlocks only for the holder, and keeps groups and topics apart', () => {
    const { locks } = make();
    locks.tryLockBatch('G', [q(0), q(0, 'U')], 'c1');
    locks.unlockBatch('G', [q(0)], 'c2');
    expect(locks.holderOf('G', q(0))).toBe('c1');
    expect(locks.tryLockBatch('H', [q(0)], 'c2')).toEqual([q(0)]);
    locks.unlockBatch('G', [q(0)], 'c1');
    expect(locks.holderOf('G', q(0))).toBeUndefined();
    expect(locks.holderOf('G', q(0, 'U'))).toBe('c1');
    expect(locks.tryLockBatch('G', [q(0), q(0)], 'c3')).toEqual([q(0)]);
  });
});

describe('LOCK_BATCH_MQ / UNLOCK_BATCH_MQ handlers', () => {
  const lock = (clientId: string, mqSet: MessageQueue[]) => createRequest(RequestCode.LOCK_BATCH_MQ, null,
    encodeLockBatchRequestBody({ consumerGroup: 'G1', clientId, mqSet }));
  const unlock = (clientId: string, mqSet: MessageQueue[]) => createRequest(RequestCode.UNLOCK_BATCH_MQ, null,
    encodeLockBatchRequestBody({ consumerGroup: 'G1', clientId, mqSet }));

  it('answers lockOKMQSet and honours rebalanceLockMaxLiveTime', async () => {
    const { call, clock } = makeControlPlane({ rebalanceLockMaxLiveTime: '1000' });
    const first = await call(lock('c1', [q(0), q(1)]));
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(decodeLockBatchResponseBody(first.body)).toEqual([q(0), q(1)]);
    expect(decodeLockBatchResponseBody((await call(lock('c2', [q(1), q(2)]))).body)).toEqual([q(2)]);
    clock.advanceMs(1001);
    expect(decodeLockBatchResponseBody((await call(lock('c2', [q(0)]))).body)).toEqual([q(0)]);
    expect((await call(unlock('c1', [q(1)]))).code).toBe(ResponseCode.SUCCESS);
    expect(decodeLockBatchResponseBody((await call(lock('c3', [q(1)]))).body)).toEqual([q(1)]);
  });

  it('refuses a body that is not JSON (the transport answers SYSTEM_ERROR)', async () => {
    const { call } = makeControlPlane();
    await expect(call(createRequest(RequestCode.LOCK_BATCH_MQ, null, Buffer.from('not json')))).rejects.toThrow();
  });
});
