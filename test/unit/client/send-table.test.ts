// Proves the producer's SEND table (src/client/send-table.ts): answers reach their own waiter
// in any order, a late answer (after its timeout) is refused, timeouts fire only at or after
// the deadline whatever the mix of timeouts in flight (one FIFO per timeout), failAll and fail
// tell every waiter once, the in-flight bound is reported, and a slow request does not keep
// the settled ones behind it forever (compaction). Driven with explicit clock values.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode, PetrelError } from '../../../src/common/errors.js';
import { createRequest, createResponse, type RemotingCommand } from '../../../src/protocol/command.js';
import { SendTable, type SendWaiter } from '../../../src/client/send-table.js';

class Recorder implements SendWaiter<RemotingCommand> {
  readonly outcomes: string[] = [];
  onResponse(response: RemotingCommand): void {
    this.outcomes.push(`response ${response.opaque}`);
  }
  onError(error: PetrelError): void {
    this.outcomes.push(error.code);
  }
}

function answer(opaque: number): RemotingCommand {
  const request = createRequest(310);
  request.opaque = opaque;
  return createResponse(request, 0, null);
}

describe('SendTable', () => {
  it('hands each answer to its own waiter, in any order, and refuses late ones', () => {
    const table = new SendTable<RemotingCommand>('broker', 16);
    const waiters = [new Recorder(), new Recorder(), new Recorder()];
    waiters.forEach((waiter, index) => table.add(-(index + 1), 310, 1000, 0, waiter));
    expect(table.complete(-3, answer(-3))).toBe(true);
    expect(table.complete(-1, answer(-1))).toBe(true);
    table.expire(1000);
    expect(table.complete(-2, answer(-2))).toBe(false);
    expect(waiters.map((w) => w.outcomes)).toEqual([['response -1'], [ErrorCode.ERR_REMOTING_TIMEOUT], ['response -3']]);
    expect(table.size).toBe(0);
  });

  it('times out exactly the requests whose deadline passed, for any mix of timeouts', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ sentMs: fc.integer({ min: 0, max: 100 }), timeoutMs: fc.constantFrom(5, 30, 50, 200) }), { maxLength: 60 }),
      fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }),
      (requests, sweepTimes) => {
        const table = new SendTable<RemotingCommand>('broker', 1000);
        const sorted = [...requests].sort((a, b) => a.sentMs - b.sentMs);
        const waiters = sorted.map(() => new Recorder());
        sorted.forEach((request, index) => table.add(-(index + 1), 310, request.timeoutMs, request.sentMs, waiters[index] as Recorder));
        let swept = 0;
        for (const nowMs of [...sweepTimes].sort((a, b) => a - b)) {
          table.expire(nowMs);
          swept = nowMs;
          sorted.forEach((request, index) => {
            const expired = request.sentMs + request.timeoutMs <= swept;
            expect(waiters[index]?.outcomes).toEqual(expired ? [ErrorCode.ERR_REMOTING_TIMEOUT] : []);
          });
        }
      },
    ));
  });

  it('fails everything once on failAll, one request on fail, and reports the bound', () => {
    const table = new SendTable<RemotingCommand>('broker', 2);
    const [a, b] = [new Recorder(), new Recorder()];
    table.add(-1, 310, 1000, 0, a);
    expect(table.full).toBe(false);
    table.add(-2, 310, 1000, 0, b);
    expect(table.full).toBe(true);
    table.fail(-1, new PetrelError(ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT, 'x'));
    table.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'closed'));
    table.failAll(new PetrelError(ErrorCode.ERR_REMOTING_CLOSED, 'again'));
    table.expire(5000);
    expect([a.outcomes, b.outcomes]).toEqual([[ErrorCode.ERR_REMOTING_TOO_MANY_IN_FLIGHT], [ErrorCode.ERR_REMOTING_CLOSED]]);
    expect(table.size).toBe(0);
  });

  it('keeps working when one slow request holds thousands of settled ones behind it', () => {
    const table = new SendTable<RemotingCommand>('broker', 100_000);
    const slow = new Recorder();
    table.add(-1, 310, 1000, 0, slow);
    const fast = new Recorder();
    for (let i = 2; i <= 5000; i++) {
      table.add(-i, 310, 1000, 1, fast);
      table.complete(-i, answer(-i));
      if (i % 500 === 0) table.expire(2);
    }
    expect(fast.outcomes).toHaveLength(4999);
    expect(table.size).toBe(1);
    table.expire(999);
    expect(slow.outcomes).toEqual([]);
    table.expire(1000);
    expect(slow.outcomes).toEqual([ErrorCode.ERR_REMOTING_TIMEOUT]);
  });
});
