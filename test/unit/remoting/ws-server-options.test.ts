// Proves that startWsServer refuses bad options before touching the network (notably the idle
// timeouts that make uWS terminate the process, and a payload limit below one max frame), and
// that implementation selection follows `wsImplementation`: node always gives the fallback, auto
// gives uWS exactly when its binary loads here. How: option objects that fail validation, and
// resolveWsImplementation compared with loadUws.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/common/errors.js';
import { FRAME_BYTES_MAX } from '../../../src/common/limits.js';
import { silentLogger } from '../../../src/common/log.js';
import { loadUws, resolveWsImplementation } from '../../../src/remoting/ws-native.js';
import { type WsServerOptions, startWsServer } from '../../../src/remoting/ws-server.js';

const base: WsServerOptions = {
  host: '127.0.0.1', port: 0, handler: () => null, logger: silentLogger,
};

describe('WsServer options', () => {
  it.each([
    [{ idleTimeoutSeconds: 4 }, /idleTimeoutSeconds 4/],
    [{ idleTimeoutSeconds: 961 }, /idleTimeoutSeconds 961/],
    [{ idleTimeoutSeconds: 8.5 }, /idleTimeoutSeconds 8.5/],
    [{ maxPayloadBytes: FRAME_BYTES_MAX }, /maxPayloadBytes/],
    [{ path: 'remoting' }, /path remoting/],
    [{ port: 70000 }, /port 70000/],
  ])('refuses %o', async (override, message) => {
    await expect(startWsServer({ ...base, ...override })).rejects.toMatchObject({
      code: ErrorCode.ERR_CONFIG_INVALID_VALUE, message: expect.stringMatching(message),
    });
  });

  it('selects the implementation from the choice', () => {
    expect(resolveWsImplementation('node').kind).toBe('node');
    const uwsLoads = 'uws' in loadUws();
    expect(resolveWsImplementation('auto').kind).toBe(uwsLoads ? 'uws' : 'node');
    expect(resolveWsImplementation('uws').kind).toBe(uwsLoads ? 'uws' : 'error');
    // On Node 20 / linux-x64 (this project's target) the binary is there and loads.
    if (process.versions.modules === '115' && process.platform === 'linux' && process.arch === 'x64') {
      expect(uwsLoads).toBe(true);
    }
  });
});
