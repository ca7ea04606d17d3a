import { loadConfig, formatConfig, parseCommandLine } from '../common/config/load.js';
import { expandHome, namesrvSchema, type NamesrvConfig } from '../namesrv/config.js';
import { NameServer } from '../namesrv/namesrv.js';
import { pidFilePath, removePidFile, writePidFile } from './pid-file.js';
import { fail, onShutdownSignals } from './run-process.js';

/**
 * bin/mqnamesrv [-c file] [--key=value ...] [-p] [-h]   (reference §9.1)
 *
 * -c: properties file (RocketMQ's namesrv.conf keys); --key=value overrides it; unknown keys
 * exit 1 naming the key. -p prints the effective config and exits. Logs go to
 * <logDir>/namesrv.log and remoting.log; the pid is written to <logDir>/namesrv.pid for
 * bin/mqshutdown. Prints RocketMQ's boot line on stdout when ready.
 */
const USAGE = `usage: mqnamesrv [-c configFile] [--key=value ...] [-p] [-h]
  -c  config properties file (see conf/namesrv.conf)
  -p  print all config items and exit
  -h  print this help
  --key=value  set any config key (e.g. --listenPort=9876 --logDir=/tmp/logs)`;

function main(argv: readonly string[]): void {
  let config: NamesrvConfig;
  let printOnly = false;
  try {
    const { options, flags, overrides } = parseCommandLine(argv, ['-p', '-h']);
    if (flags.has('-h')) {
      console.log(USAGE);
      return;
    }
    printOnly = flags.has('-p');
    const unknownOption = Object.keys(options).find((option) => option !== '-c' && option !== '-n');
    if (unknownOption !== undefined) throw new Error(`unknown option ${unknownOption}\n${USAGE}`);
    config = loadConfig(namesrvSchema, { file: options['-c'], overrides });
  } catch (error) {
    fail(error);
  }
  if (printOnly) {
    console.log(formatConfig(config));
    return;
  }
  start(config).catch(fail);
}

async function start(config: NamesrvConfig): Promise<void> {
  const nameServer = new NameServer({ config });
  await nameServer.start();
  const pidFile = pidFilePath(expandHome(config.logDir), 'namesrv');
  writePidFile(pidFile);
  onShutdownSignals(async () => {
    await nameServer.stop();
    removePidFile(pidFile);
  });
  console.log('The Name Server boot success. serializeType=JSON');
}

main(process.argv.slice(2));
