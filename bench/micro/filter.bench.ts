/**
 * SQL92 filter micro-benchmarks (tinybench): what one subscription's compiled filter costs per
 * message on the dispatch pool's read path, and the one-off compile. Each task call runs
 * `OPS_PER_TASK` operations; ops/s = OPS_PER_TASK / mean period. Side by side: the broker's path
 * (properties string looked up name by name, `matchesPropertiesText`) and the alternative of
 * decoding the whole properties map first. Small inputs and a short budget by default (make bench);
 * BENCH_LARGE=1 runs longer.
 *
 *   node dist/bench/micro/filter.bench.js            (or: make bench)
 *   BENCH_LARGE=1 node dist/bench/micro/filter.bench.js
 *
 * Bar (docs/benchmarks.md): record match (properties extraction + evaluation) >= 1M/s per core,
 * so a 32-message pull spends < 32 µs filtering.
 */
import { Bench } from 'tinybench';
import { CpuTimedTasks } from './cpu-timing.js';
import { compileSql92Cached, recordPropertiesText, sql92RecordMatcher } from '../../src/filter/record-filter.js';
import { compileSql92, type CompiledFilter } from '../../src/filter/sql92.js';
import { encodeHost } from '../../src/protocol/host-address.js';
import { decodeProperties, encodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord } from '../../src/protocol/record.js';

const LARGE = process.env['BENCH_LARGE'] === '1';
const OPS_PER_TASK = LARGE ? 10_000 : 1_000;
const TIME_MS = LARGE ? 2_000 : 300;

let hash = 0;
function mix(value: boolean | number): void {
  hash = (Math.imul(hash, 31) + Number(value)) | 0;
}

const cpuTasks = new CpuTimedTasks(OPS_PER_TASK);
const timed = cpuTasks.timed.bind(cpuTasks);

const SIMPLE = 'a between 0 and 3';
const COMPLEX = "(region = 'eu' OR region IN ('us', 'ap')) AND price BETWEEN 10 AND 100 AND vip IS NOT NULL";

/** Realistic properties: the client's system ones plus user ones; `a` cycles 0..9. */
function propertiesFor(index: number): Record<string, string> {
  return {
    TAGS: 'TagA', KEYS: `order-${index}`, UNIQ_KEY: 'C0A80001000018B4AAC2000000000001', WAIT: 'true',
    a: String(index % 10), region: ['eu', 'us', 'cn', 'ap'][index % 4] ?? 'eu', price: String((index * 7) % 150),
    ...(index % 3 === 0 ? {} : { vip: '1' }),
  };
}

const MESSAGES = 64;
const TEXTS = Array.from({ length: MESSAGES }, (_, i) => encodeProperties(propertiesFor(i)));
const MAPS = Array.from({ length: MESSAGES }, (_, i) => new Map(Object.entries(propertiesFor(i))));
const RECORDS = Array.from({ length: MESSAGES }, (_, i) => encodeRecord({
  topic: 'TopicTest', body: Buffer.alloc(128, 0x61), properties: TEXTS[i] ?? '', queueId: 0, flag: 0, sysFlag: 0,
  bornTimestampMs: 1_700_000_000_000, bornHost: encodeHost('192.168.0.1:53211'),
}));

function compiled(expression: string): CompiledFilter {
  const result = compileSql92(expression);
  if (!result.ok) throw new Error(result.error);
  return result.filter;
}

function addEvaluationTasks(bench: Bench, label: string, filter: CompiledFilter): void {
  bench.add(...timed(`${label}: evaluate on a Map`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(filter.evaluate(MAPS[i % MESSAGES] as Map<string, string>));
  }));
  bench.add(...timed(`${label}: properties string, names looked up (broker path)`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(filter.matchesPropertiesText(TEXTS[i % MESSAGES] as string));
  }));
  bench.add(...timed(`${label}: properties string, whole map decoded first`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) {
      const properties = decodeProperties(TEXTS[i % MESSAGES] as string);
      mix(filter.evaluate((name) => (Object.hasOwn(properties, name) ? properties[name] : undefined)));
    }
  }));
  const matches = sql92RecordMatcher(filter);
  bench.add(...timed(`${label}: 128 B record (properties extracted + evaluated)`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(matches(RECORDS[i % MESSAGES] as Buffer));
  }));
}

async function main(): Promise<void> {
  const bench = new Bench({ name: 'SQL92 filter', time: TIME_MS, warmupTime: LARGE ? 500 : 100 });
  bench.add(...timed(`compile '${SIMPLE}'`, () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(compileSql92(SIMPLE).ok);
  }));
  bench.add(...timed('compile the complex expression', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(compileSql92(COMPLEX).ok);
  }));
  bench.add(...timed('compileSql92Cached hit', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(compileSql92Cached(COMPLEX).ok);
  }));
  bench.add(...timed('recordPropertiesText only (128 B record)', () => {
    for (let i = 0; i < OPS_PER_TASK; i++) mix(recordPropertiesText(RECORDS[i % MESSAGES] as Buffer).length);
  }));
  addEvaluationTasks(bench, 'simple', compiled(SIMPLE));
  addEvaluationTasks(bench, 'complex', compiled(COMPLEX));
  await bench.run();
  const rows = cpuTasks.rows(bench);
  console.table(rows);
  console.log(`ops per task call: ${OPS_PER_TASK}; result hash: ${hash}`);
}

await main();
