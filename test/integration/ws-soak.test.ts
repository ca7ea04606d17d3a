// The short version of `make soak` (issue 4's WebSocket integrity bar): ~50 MB of CRC-checked
// sends and pulls over the uWS transport, with two slow-reader connections pulling only the
// 65,479 / 130,956-byte frames that trigger uWS 20.30's payload-loss bug without the safe send
// pattern. Passes only with zero errors, every byte moved, and trigger-size messages actually
// seen. How: runWsSoak with a server in a worker thread running the compiled dist/ code.
import { describe, expect, it } from 'vitest';
import { WS_SOAK_DEFAULTS, runWsSoak } from '../../bench/soak/ws-soak-run.js';
import { loadUws } from '../../src/remoting/ws-native.js';

describe.skipIf(!('uws' in loadUws()))('WebSocket soak, short (uWS)', () => {
  it('moves 20 MB of sends and 30 MB of pulls with every CRC intact', async () => {
    const result = await runWsSoak({ ...WS_SOAK_DEFAULTS, sendBytes: 20_000_000, pullBytes: 30_000_000 });
    expect(result.errors).toEqual([]);
    expect(result.errorCount).toBe(0);
    expect(result.implementation).toBe('uws');
    expect(result.sendBytes).toBeGreaterThanOrEqual(20_000_000);
    expect(result.serverSendBytes).toBe(result.sendBytes);
    expect(result.pullBytes).toBeGreaterThanOrEqual(29_000_000);
    expect(result.triggerMessages[65479]).toBeGreaterThan(0);
    expect(result.triggerMessages[130956]).toBeGreaterThan(0);
  });
});
