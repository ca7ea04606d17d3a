import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../common/config/load.js';
import { pidFilePath, processAlive, processCommandLine, readPidFile } from './pid-file.js';
import { fail } from './run-process.js';

/**
 * bin/mqshutdown namesrv|broker [--logDir=dir]   (reference §9.1)
 *
 * Reads <logDir>/<namesrv|broker>.pid (logDir defaults to ~/logs/rocketmqlogs, as for the
 * servers) and sends SIGTERM; the server stops gracefully and removes its pid file. Output and
 * wording follow RocketMQ's script. Exit 1 when nothing is running.
 */
const USAGE = 'Useage: mqshutdown broker | namesrv [--logDir=dir]';
const TARGETS = ['namesrv', 'broker'] as const;
type Target = (typeof TARGETS)[number];

function main(argv: readonly string[]): void {
  const [target, ...rest] = argv;
  if (target === undefined || !(TARGETS as readonly string[]).includes(target)) {
    console.log(USAGE);
    process.exit(1);
  }
  let logDir = join(homedir(), 'logs', 'rocketmqlogs');
  try {
    const { overrides } = parseCommandLine(rest, []);
    for (const key of Object.keys(overrides)) {
      if (key !== 'logDir') throw new Error(`unknown option --${key}\n${USAGE}`);
    }
    logDir = overrides['logDir'] ?? logDir;
  } catch (error) {
    fail(error);
  }
  shutdown(target as Target, logDir);
}

function shutdown(target: Target, logDir: string): void {
  const name = `mq${target}`;
  const pid = readPidFile(pidFilePath(logDir, target));
  if (pid === undefined || !processAlive(pid) || !looksLikeOurs(pid, target)) {
    console.log(`No ${name} running.`);
    process.exit(1);
  }
  console.log(`The ${name}(${pid}) is running...`);
  process.kill(pid, 'SIGTERM');
  console.log(`Send shutdown request to ${name}(${pid}) OK`);
}

/** Guards against a stale pid file whose pid now belongs to an unrelated process. */
function looksLikeOurs(pid: number, target: Target): boolean {
  const commandLine = processCommandLine(pid);
  if (commandLine === undefined) return true;
  return commandLine.includes(`mq${target}`) || commandLine.includes('petrel');
}

main(process.argv.slice(2));
