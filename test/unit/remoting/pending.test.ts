// Proves the pending-request table and the shared timeout wheel: responses settle their own
// request by opaque in any order, timeouts fire from one sweep (driven here by a FakeClock),
// the in-flight bound refuses without registering, and failAll rejects everything pending.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { ErrorCode, PetrelError } from '../../../src/common/errors.js';
import { createRequest, createResponse } from '../../../src/protocol/command.js';
import { PendingTable, TIMEOUT_RESOLUTION_MS, TimeoutWheel } from '../../../src/remoting/pending.js';

function responseFor(opaque: number, code = 0) {
  const request = createRequest(105);
  request.opaque = opaque;
  return createResponse(request, code, `r${opaque}`);
}

async function settledState(promise: Promise<unknown>): Promise<string> {
  const marker = Symbol('pending');
  const result = await Promise.race([promise.then(() => 'resolved', (e: { code?: string }) => e.code ?? 'rejected'),
    new Promise((resolve) => setImmediate(() => resolve(marker)))]);
  return result === marker ? 'pending' : (result as string);
}

describe('PendingTable', () => {
  it('matches responses to requests by opaque, in any order', async () => {
    const wheel = new TimeoutWheel(new FakeClock(), false);
    const table = new PendingTable('test', 100, wheel);
    const promises = [1, 2, 3].map((opaque) => table.add(opaque, 105, 1000));
    expect(table.complete(responseFor(3))).toBe(true);
    expect(table.complete(responseFor(1))).toBe(true);
    expect(table.complete(responseFor(2))).toBe(true);
    const responses = await Promise.all(promises);
    expect(responses.map((r) => r.remark)).toEqual(['r1', 'r2', 'r3']);
    expect(table.size).toBe(0);
    expect(wheel.bucketCount).toBe(0); // settled entries leave the wheel at once
    expect(table.complete(responseFor(2))).toBe(false);
  });

  it('expires requests only once their deadline has passed', async () => {
    const clock = new FakeClock(1_000_000);
    const wheel = new TimeoutWheel(clock, false);
    const table = new PendingTable('test', 100, wheel);
    const short = table.add(1, 105, 50);
    const long = table.add(2, 105, 500);
    clock.advanceMs(40);
    wheel.sweep();
    expect(await settledState(short)).toBe('pending');
    clock.advanceMs(10 + TIMEOUT_RESOLUTION_MS);
    wheel.sweep();
    expect(await settledState(short)).toBe('ERR_REMOTING_TIMEOUT');
    expect(await settledState(long)).toBe('pending');
    table.complete(responseFor(2));
    expect(await settledState(long)).toBe('resolved');
    clock.advanceMs(1000);
    wheel.sweep();
    expect(wheel.bucketCount).toBe(0);
  });

  it('sweeps correctly after a long stall (fewer buckets than slots)', async () => {
    const clock = new FakeClock(0);
    const wheel = new TimeoutWheel(clock, false);
    const table = new PendingTable('test', 100, wheel);
    const promises = [table.add(1, 1, 100), table.add(2, 1, 5000), table.add(3, 1, 60_000)];
    clock.advanceMs(10_000);
    wheel.sweep();
    expect(await settledState(promises[0] as Promise<unknown>)).toBe('ERR_REMOTING_TIMEOUT');
    expect(await settledState(promises[1] as Promise<unknown>)).toBe('ERR_REMOTING_TIMEOUT');
    expect(await settledState(promises[2] as Promise<unknown>)).toBe('pending');
    expect(table.size).toBe(1);
  });

  it('refuses past the in-flight bound without registering the request', async () => {
    const table = new PendingTable('test', 2, new TimeoutWheel(new FakeClock(), false));
    void table.add(1, 1, 100).catch(() => {});
    void table.add(2, 1, 100).catch(() => {});
    expect(table.full).toBe(true);
    await expect(table.add(3, 1, 100)).rejects.toMatchObject({ code: 'ERR_REMOTING_TOO_MANY_IN_FLIGHT' });
    expect(table.size).toBe(2);
  });

  it('failAll rejects every pending request with the given error', async () => {
    const table = new PendingTable('test', 10, new TimeoutWheel(new FakeClock(), false));
    const promises = [1, 2].map((opaque) => table.add(opaque, 1, 100));
    table.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'gone'));
    for (const promise of promises) await expect(promise).rejects.toMatchObject({ code: 'ERR_REMOTING_CLOSED' });
    expect(table.size).toBe(0);
  });

  it('the real-time wheel times requests out without a timer per request', async () => {
    const table = new PendingTable('test', 10);
    await expect(table.add(1, 1, 20)).rejects.toMatchObject({ code: 'ERR_REMOTING_TIMEOUT', retriable: true });
  });
});
