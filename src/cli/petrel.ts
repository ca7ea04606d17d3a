import { parseCommandLine } from '../common/config/load.js';
import { fail, onShutdownSignals } from './run-process.js';
import { startStandalone, stopStandalone } from './standalone.js';

/**
 * bin/petrel <command>. Commands:
 *   standalone [--key=value | --<component>.<key>=value ...]
 *       NameServer (and, once plugged in, Broker and Dashboard) in one process; `make run`.
 */
const USAGE = `usage: petrel standalone [--key=value ...] [--namesrv.key=value ...]
  standalone  start a NameServer (and the other server components) in one process`;

function main(argv: readonly string[]): void {
  const [command, ...rest] = argv;
  if (command !== 'standalone') {
    console.log(USAGE);
    process.exit(command === undefined || command === '-h' || command === 'help' ? 0 : 1);
  }
  let overrides: Record<string, string> = {};
  try {
    const parsed = parseCommandLine(rest, ['-h']);
    if (parsed.flags.has('-h')) {
      console.log(USAGE);
      return;
    }
    if (Object.keys(parsed.options).length > 0) throw new Error(`unexpected options\n${USAGE}`);
    overrides = parsed.overrides;
  } catch (error) {
    fail(error);
  }
  startStandalone(overrides).then((running) => {
    onShutdownSignals(() => stopStandalone(running));
    for (const component of running) console.log(component.listening);
    console.log('Petrel standalone boot success.');
  }, fail);
}

main(process.argv.slice(2));
