import { parseArgs } from 'node:util';
import { WS_IMPLEMENTATION_CHOICES, type WsImplementationChoice } from '../../src/remoting/ws-native.js';
import { WS_SOAK_DEFAULTS, type WsSoakOptions, runWsSoak } from './ws-soak-run.js';

/**
 * `make soak`: the WebSocket integrity soak (issue 4's bar). Defaults: 1 GiB of SEND bodies and
 * 2 GiB of PULL replies over uWS, every body CRC-checked, two of four connections slow readers
 * pulling only the 65,479 / 130,956-byte trigger frames. Prints progress to stderr and one JSON
 * line to stdout; exits 1 on any error or when less than the asked bytes moved.
 *
 *   node dist/bench/soak/ws-soak.js [--sendBytes=N] [--pullBytes=N] [--implementation=uws|node|auto]
 *                                   [--connections=N] [--slowReaders=N] [--logDir=DIR]
 */
const GIB = 1024 * 1024 * 1024;

function parseOptions(): WsSoakOptions {
  const { values } = parseArgs({
    options: {
      sendBytes: { type: 'string', default: String(GIB) },
      pullBytes: { type: 'string', default: String(2 * GIB) },
      implementation: { type: 'string', default: WS_SOAK_DEFAULTS.implementation },
      connections: { type: 'string', default: String(WS_SOAK_DEFAULTS.connections) },
      slowReaders: { type: 'string', default: String(WS_SOAK_DEFAULTS.slowReaders) },
      logDir: { type: 'string' },
    },
  });
  const implementation = values.implementation as WsImplementationChoice;
  if (!WS_IMPLEMENTATION_CHOICES.includes(implementation)) {
    throw new Error(`--implementation must be one of ${WS_IMPLEMENTATION_CHOICES.join(', ')}`);
  }
  const count = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
    return value;
  };
  return {
    ...WS_SOAK_DEFAULTS,
    sendBytes: count('sendBytes', values.sendBytes),
    pullBytes: count('pullBytes', values.pullBytes),
    implementation,
    connections: count('connections', values.connections),
    slowReaders: count('slowReaders', values.slowReaders),
    logDir: values.logDir ?? null,
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(0);
  const result = await runWsSoak({
    ...options,
    onProgress: (progress) => {
      console.error(`ws-soak ${progress.seconds.toFixed(0)} s: sent ${megabytes(progress.sendBytes)} MB, `
        + `pulled ${megabytes(progress.pullBytes)} MB, errors ${progress.errorCount}`);
    },
  });
  console.log(JSON.stringify({ ...result, command: `node ${process.argv.slice(1).join(' ')}` }));
  const movedEnough = result.sendBytes >= options.sendBytes * 0.99 && result.pullBytes >= options.pullBytes * 0.99;
  if (result.errorCount > 0 || !movedEnough) {
    console.error(`ws-soak FAILED: ${result.errorCount} errors${movedEnough ? '' : ', fewer bytes than asked'}`);
    for (const error of result.errors) console.error(`  ${error}`);
    process.exitCode = 1;
    return;
  }
  console.error(`ws-soak OK: ${megabytes(result.sendBytes)} MB sent, ${megabytes(result.pullBytes)} MB pulled, `
    + `0 errors, ${result.seconds.toFixed(1)} s (${result.implementation})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
