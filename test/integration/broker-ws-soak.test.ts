// The short version of `make soak`'s broker half: a real bin/mqbroker (two I/O threads on the uWS
// port), ~30 MB of SEND_MESSAGE_V2 over WebSocket read back twice by slow readers, every record's
// stored CRC and the body's own CRC verified, gap-free queue offsets, and pull replies of exactly
// 65,479 and 130,956 bytes (the uWS payload-loss sizes) crossing the wire: zero errors.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as SoakModule from '../../bench/soak/broker-ws-soak-run.js';

const DIST = resolve(import.meta.dirname, '..', '..', 'dist');

describe('broker WebSocket soak (short)', () => {
  it('moves sends and pulls over uWS with every record verified and the trigger sizes seen', async () => {
    const { runBrokerWsSoak } = await import(join(DIST, 'bench/soak/broker-ws-soak-run.js')) as typeof SoakModule;
    const sendBytes = 30_000_000;
    const result = await runBrokerWsSoak({ sendBytes, readerPasses: 2, connections: 4, triggerSweeps: 1, logDir: null });
    expect(result.errors).toEqual([]);
    expect(result.errorCount).toBe(0);
    expect(result.sendBytes).toBeGreaterThanOrEqual(sendBytes);
    expect(result.pullBytes).toBeGreaterThanOrEqual(2 * sendBytes);
    expect(result.triggerMessages[65479]).toBeGreaterThan(0);
    expect(result.triggerMessages[130956]).toBeGreaterThan(0);
    expect(result.slowReaderPauses).toBeGreaterThan(0);
  });
});
