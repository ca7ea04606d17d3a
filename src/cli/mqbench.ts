/**
 * bin/mqbench: the load-test harness.
 *   run <workload.yaml...> --drivers <driver.yaml...>   OMB workloads, JSON + CSV + HTML out
 *   producer / consumer                                 RocketMQ benchmark tool modes
 *   report <result.json...>                             one HTML/CSV over saved results
 *   compare                                             `make bench-compare`
 */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { loadDrivers, loadWorkloads, parseFieldOverrides, runCommand } from '../../bench/load/run-command.js';
import { readResults, writeReports } from '../../bench/load/outputs.js';
import { runConsumerMode, runProducerMode } from '../../bench/load/rocketmq-mode.js';
import type { ConsumerModeOptions, ProducerModeOptions } from '../../bench/load/rocketmq-mode.js';
import { runCompare } from '../../bench/load/compare/compare.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const bool = (value: string): boolean => {
  if (value !== 'true' && value !== 'false') throw new Error(`expected true or false, got '${value}'`);
  return value === 'true';
};
const int = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`expected a non-negative integer, got '${value}'`);
  return parsed;
};

function driverOptions(command: Command): Command {
  return command
    .option('-n, --namesrv <addr>', 'NameServer address host:port (Petrel driver)', process.env.NAMESRV_ADDR ?? '127.0.0.1:9876')
    .option('--driver <yaml>', 'driver YAML file (default: bench/load/drivers/petrel-tcp.yaml)')
    .option('--set <key=value>', 'override a driver field (repeatable)', collect, [])
    .option('--report-interval <ms>', 'report interval (RocketMQ -ri)', int, 10_000);
}

function buildProgram(): Command {
  const program = new Command('mqbench').description('Petrel load-test harness (OMB workloads, RocketMQ benchmark modes)');
  program.command('run')
    .description('run OMB workload files against driver files')
    .argument('<workloads...>', 'workload YAML files')
    .requiredOption('--drivers <yaml...>', 'driver YAML files')
    .option('-o, --output-dir <dir>', 'where results go', 'bench/results')
    .option('--name <base>', 'base name of the CSV and HTML files', 'report')
    .option('--set <key=value>', 'override a driver field in every driver (repeatable)', collect, [])
    .option('--stats-period <seconds>', 'seconds per live line and series sample (OMB: 10)', Number, 10)
    .option('--no-progress', 'no progress bars')
    .action(async (workloads: string[], options: { drivers: string[]; outputDir: string; name: string; set: string[]; statsPeriod: number; progress: boolean }) => {
      const { outputs } = await runCommand({
        workloads: loadWorkloads(workloads),
        drivers: loadDrivers(options.drivers, parseFieldOverrides(options.set)),
        outputDir: resolve(options.outputDir), baseName: options.name,
        samplePeriodSeconds: options.statsPeriod, bars: options.progress,
      });
      console.log(`results: ${outputs.jsonPaths.join(' ')}\ncsv: ${outputs.csvPath}\nhtml: ${outputs.htmlPath}`);
    });

  driverOptions(program.command('producer').description('RocketMQ benchmark Producer'))
    .option('-t, --topic <topic>', 'topic', 'BenchmarkTest')
    .option('-w, --threads <count>', 'senders kept in flight (forced to 1 by RocketMQ with -y; here it stays the window)', int, 64)
    .option('-s, --size <bytes>', 'message size', int, 128)
    .option('-k, --keys <bool>', 'set keys', bool, false)
    .option('-l, --tags <count>', 'tag count', int, 0)
    .option('-q, --quantity <count>', 'messages to send (0 = forever)', int, 0)
    .option('-y, --async <bool>', 'async send', bool, false)
    .option('-d, --delay <bool>', 'delay messages', bool, false)
    .option('-e, --delay-level <level>', 'delay level', int, 1)
    .option('-a, --auto-batch <bool>', 'producer auto-batching (RocketMQ 5 setAutoBatch; Petrel driver)', bool, false)
    .addOption(new Option('--duration <seconds>', 'stop after this many seconds (0 = forever)').argParser(Number).default(0))
    .action(async (options: ProducerModeOptions) => {
      await runProducerMode(options);
    });

  driverOptions(program.command('consumer').description('RocketMQ benchmark Consumer'))
    .option('-t, --topic <topic>', 'topic', 'BenchmarkTest')
    .option('-g, --group <group>', 'consumer group', 'benchmark_consumer')
    .option('-p, --group-suffix <bool>', 'append _<millis % 100> to the group', bool, false)
    .option('-w, --threads <count>', 'consume threads (informational)', int, 20)
    .addOption(new Option('--duration <seconds>', 'stop after this many seconds (0 = forever)').argParser(Number).default(0))
    .action(async (options: ConsumerModeOptions) => {
      await runConsumerMode(options);
    });

  program.command('report')
    .description('one HTML report and CSV over saved result files (overlaid)')
    .argument('<results...>', 'result JSON files')
    .option('-o, --output-dir <dir>', 'where the report goes', 'bench/results')
    .option('--name <base>', 'base name', 'report')
    .action((paths: string[], options: { outputDir: string; name: string }) => {
      const results = readResults(paths.map((path) => resolve(path)));
      const outputs = writeReports(resolve(options.outputDir), results, options.name);
      console.log(`csv: ${outputs.csvPath}\nhtml: ${outputs.htmlPath}`);
    });

  program.command('compare')
    .description('Redis Streams, NATS JetStream and Petrel side by side (make bench-compare)')
    .option('-o, --output-dir <dir>', 'where results go', 'bench/results')
    .option('--scale <factor>', 'multiply durations and the backlog (0.1 for a smoke run)', Number, 1)
    .option('--only <targets>', 'comma-separated subset of targets')
    .option('--workloads <roles>', 'comma-separated subset of workloads (produce128b, produce1kb, produce1kbSync, drain128b, endToEnd5k)')
    .action(async (options: { outputDir: string; scale: number; only?: string; workloads?: string }) => {
      const code = await runCompare({
        outputDir: resolve(options.outputDir), scale: options.scale, only: options.only, workloads: options.workloads,
      });
      process.exitCode = code;
    });
  return program;
}

buildProgram().parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
