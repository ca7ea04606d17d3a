import { parseArgs } from 'node:util';
import { runBrokerWsSoak } from './broker-ws-soak-run.js';

/**
 * `make soak`, second half: the WebSocket soak against a real bin/mqbroker (issue 4, "WebSocket
 * integrity"). Defaults: 1 GiB of SEND_MESSAGE_V2 bodies, each queue read back twice (≥ 2 GiB of
 * PULL replies), every record's stored CRC and the body's own CRC checked, plus single-record
 * pulls whose replies are exactly 65,479 / 130,956 bytes with a slow reader. One JSON line on
 * stdout; exit 1 on any error, on too few bytes, or when a trigger size never crossed the wire.
 *
 *   node dist/bench/soak/broker-ws-soak.js [--sendBytes=N] [--readerPasses=N] [--connections=N]
 *                                          [--triggerSweeps=N] [--logDir=DIR]
 */
const GIB = 1024 * 1024 * 1024;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sendBytes: { type: 'string', default: String(GIB) },
      readerPasses: { type: 'string', default: '2' },
      connections: { type: 'string', default: '4' },
      triggerSweeps: { type: 'string', default: '4' },
      logDir: { type: 'string' },
    },
  });
  const count = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const options = {
    sendBytes: count('sendBytes', values.sendBytes),
    readerPasses: count('readerPasses', values.readerPasses),
    connections: count('connections', values.connections),
    triggerSweeps: count('triggerSweeps', values.triggerSweeps),
    logDir: values.logDir ?? null,
  };
  const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(0);
  const result = await runBrokerWsSoak({
    ...options,
    onProgress: (progress) => console.error(`broker-ws-soak ${progress.seconds.toFixed(0)} s: sent `
      + `${megabytes(progress.sendBytes)} MB, pulled ${megabytes(progress.pullBytes)} MB, errors ${progress.errorCount}`),
  });
  console.log(JSON.stringify({ ...result, command: `node ${process.argv.slice(1).join(' ')}` }));
  const movedEnough = result.sendBytes >= options.sendBytes && result.pullBytes >= options.sendBytes * options.readerPasses;
  const triggered = result.triggerMessages[65479] > 0 && result.triggerMessages[130956] > 0;
  if (result.errorCount > 0 || !movedEnough || !triggered) {
    console.error(`broker-ws-soak FAILED: ${result.errorCount} errors${movedEnough ? '' : ', fewer bytes than asked'}`
      + `${triggered ? '' : ', a trigger frame size never crossed the wire'}`);
    for (const error of result.errors) console.error(`  ${error}`);
    process.exitCode = 1;
    return;
  }
  console.error(`broker-ws-soak OK: ${megabytes(result.sendBytes)} MB sent, ${megabytes(result.pullBytes)} MB pulled, `
    + `${result.recordsVerified} records verified, 0 errors, ${result.seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
