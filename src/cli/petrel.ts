import { parseCommandLine } from '../common/config/load.js';
import { fail, onShutdownSignals } from './run-process.js';
import { standaloneComponents, startStandalone, stopStandalone } from './standalone.js';
import { brokerComponent } from './standalone-broker.js';

/**
 * bin/petrel <command>. Commands:
 *   standalone [--key=value | --<component>.<key>=value ...]
 *       NameServer and Broker (and, once plugged in, the Dashboard) in one process; `make run`.
 */
const USAGE = `usage: petrel standalone [--key=value ...] [--namesrv.key=value ...] [--broker.key=value ...]
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
  startStandalone(overrides, [...standaloneComponents, brokerComponent]).then((running) => {
    onShutdownSignals(() => stopStandalone(running));
    for (const component of running) console.log(component.listening);
    console.log('Petrel standalone boot success.');
  }, fail);
}

main(process.argv.slice(2));
