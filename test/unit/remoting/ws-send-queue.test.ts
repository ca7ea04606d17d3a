// Proves that WsSendQueue follows uws-notes.md's safe send rules against a scripted sink: it stops
// at the first answer other than "sent", never resends a "buffered" message, resends a "dropped"
// one, resumes only on a later loop turn after drain (never inside the drain callback), keeps
// order, and closes the connection (onOverflow) when a peer that does not read exceeds the bound.
// How: a fake sink whose answers the test scripts and which records every message it accepted.
import { describe, expect, it } from 'vitest';
import { type SinkSendResult, type WsMessageSink, WsSendQueue } from '../../../src/remoting/ws-send-queue.js';

class ScriptedSink implements WsMessageSink {
  readonly accepted: string[] = [];
  readonly attempts: string[] = [];
  answers: SinkSendResult[] = [];
  buffered = 0;
  batches = 0;

  trySend(message: Buffer): SinkSendResult {
    const text = message.toString();
    this.attempts.push(text);
    const answer = this.answers.shift() ?? 'sent';
    if (answer !== 'dropped') this.accepted.push(text);
    if (answer === 'buffered') this.buffered += message.length;
    return answer;
  }

  bufferedBytes(): number {
    return this.buffered;
  }

  batch(work: () => void): void {
    this.batches++;
    work();
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const messages = (...texts: string[]): Buffer[] => texts.map((text) => Buffer.from(text));

function queueOver(sink: ScriptedSink, queueBytesMax = 1_000_000): { queue: WsSendQueue; overflows: string[] } {
  const overflows: string[] = [];
  const queue = new WsSendQueue(sink, { queueBytesMax, onOverflow: (reason) => overflows.push(reason) });
  return { queue, overflows };
}

describe('WsSendQueue', () => {
  it('sends everything at once while the sink accepts', () => {
    const sink = new ScriptedSink();
    const { queue } = queueOver(sink);
    queue.enqueue(messages('a', 'b', 'c'));
    expect(sink.accepted).toEqual(['a', 'b', 'c']);
    expect(sink.batches).toBe(1);
    expect(queue.queuedBytes).toBe(0);
    expect(queue.messagesSent).toBe(3);
  });

  it('stops after "buffered", does not resend it, and resumes on the turn after drain', async () => {
    const sink = new ScriptedSink();
    sink.answers = ['sent', 'buffered'];
    const { queue } = queueOver(sink);
    queue.enqueue(messages('a', 'b', 'c', 'd'));
    expect(sink.attempts).toEqual(['a', 'b']);
    queue.enqueue(messages('e'));
    expect(sink.attempts).toEqual(['a', 'b']);
    expect(queue.queuedBytes).toBe(3);
    queue.onDrain();
    // Nothing is sent inside the drain callback itself (uWS bug 2).
    expect(sink.attempts).toEqual(['a', 'b']);
    await nextTurn();
    expect(sink.accepted).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(queue.queuedBytes).toBe(0);
  });

  it('resends a "dropped" message after drain, in order', async () => {
    const sink = new ScriptedSink();
    sink.answers = ['sent', 'dropped'];
    const { queue } = queueOver(sink);
    queue.enqueue(messages('a', 'b', 'c'));
    expect(sink.accepted).toEqual(['a']);
    sink.answers = ['dropped'];
    queue.onDrain();
    await nextTurn();
    expect(sink.attempts).toEqual(['a', 'b', 'b']);
    queue.onDrain();
    await nextTurn();
    expect(sink.accepted).toEqual(['a', 'b', 'c']);
    expect(sink.attempts).toEqual(['a', 'b', 'b', 'b', 'c']);
  });

  it('ignores drain when it is not waiting, and a second drain before the resume ran', async () => {
    const sink = new ScriptedSink();
    const { queue } = queueOver(sink);
    queue.onDrain();
    sink.answers = ['buffered'];
    queue.enqueue(messages('a', 'b'));
    queue.onDrain();
    queue.onDrain();
    await nextTurn();
    expect(sink.attempts).toEqual(['a', 'b']);
  });

  it('keeps waiting when the buffered message was the last one', async () => {
    const sink = new ScriptedSink();
    sink.answers = ['buffered'];
    const { queue } = queueOver(sink);
    queue.enqueue(messages('a'));
    queue.enqueue(messages('b'));
    expect(sink.attempts).toEqual(['a']);
    queue.onDrain();
    await nextTurn();
    expect(sink.accepted).toEqual(['a', 'b']);
  });

  it('calls onOverflow once and drops everything when a non-reading peer exceeds the bound', async () => {
    const sink = new ScriptedSink();
    sink.answers = ['buffered'];
    const { queue, overflows } = queueOver(sink, 10);
    queue.enqueue(messages('12345'));
    queue.enqueue(messages('67890'));
    expect(overflows).toEqual([]);
    queue.enqueue(messages('x'));
    expect(overflows).toHaveLength(1);
    expect(overflows[0]).toMatch(/slow consumer: 11 bytes/);
    expect(queue.isClosed).toBe(true);
    expect(queue.queuedBytes).toBe(0);
    queue.enqueue(messages('late'));
    queue.onDrain();
    await nextTurn();
    expect(sink.attempts).toEqual(['12345']);
    expect(overflows).toHaveLength(1);
  });

  it('sends nothing after close', async () => {
    const sink = new ScriptedSink();
    sink.answers = ['buffered'];
    const { queue } = queueOver(sink);
    queue.enqueue(messages('a', 'b'));
    queue.onDrain();
    queue.close();
    await nextTurn();
    expect(sink.attempts).toEqual(['a']);
  });
});
