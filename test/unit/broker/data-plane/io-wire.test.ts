// Proves the pieces that carry control-plane traffic between I/O threads and the main thread:
// a command survives the wire form with only its own body bytes (not the frame chunk it was a
// view of), and a ProxyChannel posts sends/closes to its owner, fires onClose once, and has ids
// unique across threads.
import { describe, expect, it } from 'vitest';
import { createRequest } from '../../../../src/protocol/command.js';
import { ProxyChannel, proxyChannelId } from '../../../../src/broker/io/proxy-channel.js';
import { fromWireCommand, toWireCommand } from '../../../../src/broker/io/wire-command.js';

describe('wire command', () => {
  it('round-trips a command and copies only the body view', () => {
    const chunk = Buffer.from('xxxxBODYyyyy');
    const command = createRequest(34, { a: '1' }, chunk.subarray(4, 8));
    command.opaque = 9;
    const transfer: ArrayBuffer[] = [];
    const wire = toWireCommand(command, transfer);
    expect(transfer).toHaveLength(1);
    expect(transfer[0]?.byteLength).toBe(4);
    const back = structuredClone(wire, { transfer });
    const decoded = fromWireCommand(back);
    expect(decoded.body?.toString()).toBe('BODY');
    expect({ ...decoded, body: null }).toEqual({ ...command, body: null });
  });
});

describe('ProxyChannel', () => {
  it('posts to its owner, closes once and has thread-unique ids', () => {
    const sent: number[] = [];
    const closes: string[] = [];
    const owner = { send: (id: number) => sent.push(id), close: (_id: number, reason: string) => closes.push(reason) };
    const info = { channelId: 5, remoteAddress: '1.2.3.4:5', localAddress: '127.0.0.1:10911', transport: 'tcp' as const };
    const proxy = new ProxyChannel(1, info, owner);
    expect(proxy.id).toBe(proxyChannelId(1, 5));
    expect(proxyChannelId(0, 5)).not.toBe(proxyChannelId(1, 5));
    proxy.send(createRequest(40));
    proxy.close('idle');
    expect(sent).toEqual([5]);
    expect(closes).toEqual(['idle']);
    let fired = 0;
    proxy.onClose(() => fired++);
    proxy.markClosed();
    proxy.markClosed();
    proxy.send(createRequest(40));
    proxy.onClose(() => fired++);
    expect(fired).toBe(2);
    expect(sent).toEqual([5]);
  });
});
