// Proves the WebSocket channel's coalescing: frames queued in one tick become as few binary
// messages as the cap allows, a unit (one sendFrames call) is never split, a large frame goes
// alone and uncopied, the bytes are exactly the frames back to back, and a closed channel sends
// nothing and runs its close listeners once. How: coalesceUnits on hand-made units, and a
// WsChannel over a WsSendQueue whose sink records messages.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { silentLogger } from '../../../src/common/log.js';
import { createRequest } from '../../../src/protocol/command.js';
import { encodeCommand } from '../../../src/protocol/frame.js';
import { WsChannel, coalesceUnits } from '../../../src/remoting/ws-channel.js';
import { type WsMessageSink, WsSendQueue } from '../../../src/remoting/ws-send-queue.js';

const bytes = (size: number, fill: number): Buffer => Buffer.alloc(size, fill);
const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('coalesceUnits', () => {
  it('batches small units up to the cap and sends a large one alone without copying', () => {
    const large = bytes(100, 9);
    const messages = coalesceUnits([[bytes(10, 1)], [bytes(20, 2)], [large], [bytes(30, 3), bytes(5, 4)], [bytes(40, 5)]], 64);
    expect(messages.map((message) => message.length)).toEqual([30, 100, 35, 40]);
    expect(messages[1]).toBe(large);
  });

  it('keeps the bytes in order and never splits a unit (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 3 }), { maxLength: 30 }),
      fc.integer({ min: 1, max: 300 }),
      (unitSizes, capBytes) => {
        let fill = 0;
        const units = unitSizes.map((sizes) => sizes.map((size) => bytes(size, fill++ % 256)));
        const messages = coalesceUnits(units, capBytes);
        expect(Buffer.concat(messages).equals(Buffer.concat(units.flat()))).toBe(true);
        // Every message boundary is a unit boundary.
        const unitEnds = new Set<number>();
        let position = 0;
        for (const unit of units) {
          position += unit.reduce((sum, part) => sum + part.length, 0);
          unitEnds.add(position);
        }
        position = 0;
        for (const message of messages) {
          expect(message.length).toBeGreaterThan(0);
          position += message.length;
          expect(unitEnds.has(position)).toBe(true);
          const isSingleLargeUnit = message.length >= capBytes;
          if (!isSingleLargeUnit) expect(message.length).toBeLessThanOrEqual(capBytes);
        }
      },
    ));
  });
});

describe('WsChannel', () => {
  function channelOverRecorder(): { channel: WsChannel; sent: Buffer[]; closes: Array<[string, boolean]> } {
    const sent: Buffer[] = [];
    const sink: WsMessageSink = {
      trySend: (message) => {
        sent.push(message);
        return 'sent';
      },
      bufferedBytes: () => 0,
      batch: (work) => work(),
    };
    const queue = new WsSendQueue(sink, { queueBytesMax: 1 << 20, onOverflow: () => undefined });
    const closes: Array<[string, boolean]> = [];
    const channel = new WsChannel('1.2.3.4:5', '6.7.8.9:10', queue, (reason, force) => closes.push([reason, force]), silentLogger, 1024);
    return { channel, sent, closes };
  }

  it('writes the commands of one tick as one message of frames back to back', async () => {
    const { channel, sent } = channelOverRecorder();
    const first = createRequest(10, { a: '1' }, Buffer.from('one'));
    const second = createRequest(11, null, Buffer.from('two'));
    channel.send(first);
    channel.send(second);
    expect(sent).toEqual([]);
    await tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.equals(Buffer.concat([encodeCommand(first), encodeCommand(second)]))).toBe(true);
    channel.sendFrames([encodeCommand(first)]);
    await tick();
    expect(sent).toHaveLength(2);
    expect(channel.transport).toBe('ws');
  });

  it('drops writes after close and runs close listeners once', async () => {
    const { channel, sent, closes } = channelOverRecorder();
    const seen: number[] = [];
    channel.onClose((closed) => seen.push(closed.id));
    channel.send(createRequest(10));
    channel.close('bad peer');
    channel.close('again');
    channel.markClosed('socket gone');
    await tick();
    expect(sent).toEqual([]);
    expect(closes).toEqual([['bad peer', false]]);
    expect(seen).toEqual([channel.id]);
    expect(channel.closed).toBe(true);
    expect(channel.closeReason).toBe('bad peer');
    channel.onClose((closed) => seen.push(closed.id));
    expect(seen).toEqual([channel.id, channel.id]);
  });

  it('abort closes without the handshake', () => {
    const { channel, closes } = channelOverRecorder();
    channel.abort('slow consumer');
    expect(closes).toEqual([['slow consumer', true]]);
  });
});
