import { formatConfig, loadConfig, parseCommandLine } from '../common/config/load.js';
import type { RunningBroker } from '../broker/broker.js';
import { startBroker } from '../broker/broker.js';
import type { BrokerConfig } from '../broker/config.js';
import { brokerSchema, deriveRuntime, validateNamesrv } from '../broker/config.js';
import { pidFilePath, removePidFile, writePidFile } from './pid-file.js';
import { exitAfterFlush, fail, onShutdownSignals } from './run-process.js';

/**
 * bin/mqbroker [-n host:port[;host:port]] [-c file] [--key=value ...] [-p] [-m] [-h]
 * (reference §9.1)
 *
 * -c: broker.conf (RocketMQ's keys, §7.2); --key=value overrides it; -n overrides namesrvAddr,
 * which otherwise falls back to the NAMESRV_ADDR environment variable as in RocketMQ.
 * Unknown keys exit 1 naming the key. -p prints every config item, -m the important ones, and
 * exits. Logs go to <logDir>/broker.log, store.log and remoting.log; the pid to
 * <logDir>/broker.pid for bin/mqshutdown. SIGTERM/SIGINT stop gracefully (offsets flushed,
 * NameServers told, store closed). Prints RocketMQ's boot line on stdout when ready.
 */
const USAGE = `usage: mqbroker [-n namesrvAddr] [-c configFile] [--key=value ...] [-p] [-m] [-h]
  -n  name server address list, e.g. '192.168.0.1:9876;192.168.0.2:9876'
  -c  broker config properties file (see conf/broker.conf)
  -p  print all config items and exit
  -m  print important config items and exit
  -h  print this help
  --key=value  set any config key (e.g. --listenPort=10911 --storePathRootDir=/data/store)`;

/** What `-m` prints: the keys an operator checks first. */
const IMPORTANT_KEYS: ReadonlyArray<keyof BrokerConfig> = [
  'brokerClusterName', 'brokerName', 'brokerId', 'namesrvAddr', 'brokerIP1', 'listenPort', 'brokerRole',
  'flushDiskType', 'storePathRootDir', 'autoCreateTopicEnable', 'logDir',
];

function main(argv: readonly string[]): void {
  let config: BrokerConfig;
  let configFile: string | undefined;
  let printKeys: ReadonlyArray<keyof BrokerConfig> | null = null;
  try {
    const { options, flags, overrides } = parseCommandLine(argv, ['-p', '-m', '-h']);
    if (flags.has('-h')) {
      console.log(USAGE);
      return;
    }
    const unknownOption = Object.keys(options).find((option) => option !== '-c' && option !== '-n');
    if (unknownOption !== undefined) throw new Error(`unknown option ${unknownOption}\n${USAGE}`);
    configFile = options['-c'];
    const namesrv = options['-n'] === undefined ? {} : { namesrvAddr: options['-n'] };
    config = loadConfig(brokerSchema, { file: configFile, overrides: { ...overrides, ...namesrv } });
    const fromEnv = process.env['NAMESRV_ADDR'];
    if (config.namesrvAddr === '' && fromEnv !== undefined && fromEnv !== '') {
      config = loadConfig(brokerSchema, { file: configFile, overrides: { ...overrides, namesrvAddr: fromEnv } });
    }
    const problem = validateNamesrv(config.namesrvAddr)
      ?? (config.brokerRole === 'SLAVE' && config.brokerId <= 0 ? 'a SLAVE needs brokerId > 0' : undefined);
    if (problem !== undefined) throw new Error(problem);
    if (flags.has('-p')) printKeys = Object.keys(config) as Array<keyof BrokerConfig>;
    if (flags.has('-m')) printKeys = IMPORTANT_KEYS;
  } catch (error) {
    fail(error);
  }
  if (printKeys !== null) {
    console.log(formatConfig(Object.fromEntries(printKeys.map((key) => [key, config[key]]))));
    return;
  }
  start(config, configFile).catch(fail);
}

async function start(config: BrokerConfig, configFile: string | undefined): Promise<void> {
  const pidFile = pidFilePath(deriveRuntime(config).logDir, 'broker');
  let broker: RunningBroker | null = null;
  broker = await startBroker({
    config, configFile,
    onFatal: (error) => {
      console.error(`broker I/O thread failed: ${error.message}`);
      (broker?.stop() ?? Promise.resolve()).finally(() => {
        removePidFile(pidFile);
        exitAfterFlush(1);
      });
    },
  });
  writePidFile(pidFile);
  const started = broker;
  onShutdownSignals(async () => {
    await started.stop();
    removePidFile(pidFile);
  });
  console.log(started.bootLine);
}

main(process.argv.slice(2));
