// Proves the coalescing rule of the socket writer: runs of small buffers are concatenated in
// order, large buffers pass through as the same object (no copy), and the bytes are unchanged.
import { describe, expect, it } from 'vitest';
import { COALESCE_COPY_BYTES_MAX, gather } from '../../../src/remoting/socket-writer.js';

describe('gather', () => {
  it('concatenates small buffers and keeps large ones as they are', () => {
    const small = [Buffer.from('ab'), Buffer.from('cd'), Buffer.from('e')];
    const large = Buffer.alloc(COALESCE_COPY_BYTES_MAX, 7);
    const tail = [Buffer.from('xy'), Buffer.from('z')];
    const chunks = gather([...small, large, ...tail]);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]?.toString()).toBe('abcde');
    expect(chunks[1]).toBe(large);
    expect(chunks[2]?.toString()).toBe('xyz');
    expect(Buffer.concat(chunks).equals(Buffer.concat([...small, large, ...tail]))).toBe(true);
  });
  it('keeps a single small buffer as is and handles an empty queue', () => {
    const only = Buffer.from('only');
    expect(gather([only])[0]).toBe(only);
    expect(gather([])).toEqual([]);
  });
});
