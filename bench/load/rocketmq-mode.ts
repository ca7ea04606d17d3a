/**
 * `mqbench producer` / `mqbench consumer`: RocketMQ's benchmark Producer and Consumer
 * (rocketmq-4x.md §9.3), with their options and report lines, plus a percentile line per report
 * that RocketMQ's tool lacks. They run against any driver; by default Petrel over TCP.
 *
 * Producer: `-w` closed-loop senders (each issues its next send when the last one completed, like
 * RocketMQ's threads), or with
 * `-y true` one open sender keeping up to ASYNC_WINDOW sends in flight (RocketMQ's async
 * semaphore). Report: TPS over the last 10 one-second snapshots, all-time Max RT, window
 * average RT, cumulative Send Failed / Response Failed.
 */
import { join, resolve } from 'node:path';
import type { BenchmarkDriver, BenchmarkProducer, DriverConfig, SendOptions } from './types.js';
import { loadDriverConfig } from './workload.js';
import { createDriver, withFields } from './drivers/index.js';
import { parseFieldOverrides, repoRoot } from './run-command.js';
import { PayloadFactory, nowUs } from './payload.js';
import { newHistogram, summarize } from './stats.js';
import { sendErrorKind } from './sender.js';
import {
  percentileLine, rocketmqConsumerLine, rocketmqProducerCompleteLine, rocketmqProducerLine,
} from './report/console.js';
import type { ProducerWindow } from './report/console.js';

/** RocketMQ's clientAsyncSemaphoreValue: async sends in flight per producer. */
const ASYNC_WINDOW = 65_535;
/** Topic queues the modes create (RocketMQ's defaultTopicQueueNums). */
const MODE_PARTITIONS = 4;
const US_MAX = 60 * 1_000_000;

interface CommonModeOptions {
  namesrv: string;
  driver?: string;
  set: string[];
  reportInterval: number;
  topic: string;
  threads: number;
  duration: number;
}

export interface ProducerModeOptions extends CommonModeOptions {
  size: number;
  keys: boolean;
  tags: number;
  quantity: number;
  async: boolean;
  delay: boolean;
  delayLevel: number;
  /**
   * The Petrel producer's autoBatch (RocketMQ 5's DefaultMQProducer.setAutoBatch; the benchmark
   * tool has no flag for it). Default false, as RocketMQ's producer; it overrides the driver YAML.
   */
  autoBatch: boolean;
}

export interface ConsumerModeOptions extends CommonModeOptions {
  group: string;
  groupSuffix: boolean;
}

function modeDriverConfig(options: CommonModeOptions): DriverConfig {
  const path = options.driver ?? join(repoRoot(), 'bench/load/drivers/petrel-tcp.yaml');
  const config = loadDriverConfig(resolve(path));
  const namesrv = config.driverClass === 'petrel' ? { namesrvAddr: options.namesrv } : {};
  return withFields(config, { ...namesrv, ...parseFieldOverrides(options.set) });
}

/** Resolves on SIGINT/SIGTERM or after `seconds` (0 = never by time). */
function stopSignal(seconds: number): Promise<void> {
  return new Promise((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
    if (seconds > 0) setTimeout(resolveStop, seconds * 1000).unref();
  });
}

class ProducerCounters {
  successes = 0;
  totalRtMs = 0;
  maxRtMs = 0;
  sendFailed = 0;
  responseFailed = 0;
  readonly histogram = newHistogram(US_MAX);
  /** One-second snapshots of (successes, totalRtMs), newest last; RocketMQ keeps 10. */
  readonly snapshots: Array<[number, number]> = [];

  recordSuccess(rtUs: number): void {
    this.successes++;
    this.totalRtMs += rtUs / 1000;
    if (rtUs / 1000 > this.maxRtMs) this.maxRtMs = rtUs / 1000;
    this.histogram.recordValue(Math.min(US_MAX, Math.max(1, Math.round(rtUs))));
  }

  recordFailure(error: unknown): void {
    if (sendErrorKind(error) === 'response') this.responseFailed++;
    else this.sendFailed++;
  }

  snapshot(): void {
    this.snapshots.push([this.successes, this.totalRtMs]);
    if (this.snapshots.length > 10) this.snapshots.shift();
  }

  window(): ProducerWindow {
    const first = this.snapshots[0] ?? [0, 0];
    const last = this.snapshots[this.snapshots.length - 1] ?? [0, 0];
    const seconds = Math.max(1, this.snapshots.length - 1);
    const sent = last[0] - first[0];
    return {
      sendTps: sent / seconds,
      maxRtMs: this.maxRtMs,
      averageRtMs: sent === 0 ? 0 : (last[1] - first[1]) / sent,
      sendFailed: this.sendFailed,
      responseFailed: this.responseFailed,
    };
  }
}

function sendOptionsFor(options: ProducerModeOptions, sequence: number): SendOptions | undefined {
  if (!options.keys && options.tags === 0 && !options.delay) return undefined;
  const result: SendOptions = {};
  if (options.keys) result.key = String(Math.floor(Date.now() / 1000));
  if (options.tags > 0) result.tag = `tag${sequence % options.tags}`;
  if (options.delay) result.delayLevel = options.delayLevel;
  return result;
}

/** The driver's send, a synchronous throw turned into a rejection. */
function sendGuarded(producer: BenchmarkProducer, payload: Buffer, sendOptions: SendOptions | undefined): Promise<void> {
  try {
    return producer.send(payload, sendOptions);
  } catch (error) {
    return Promise.reject(error);
  }
}

export async function runProducerMode(options: ProducerModeOptions): Promise<void> {
  const config = modeDriverConfig(options);
  const driver = await createDriver(config.driverClass === 'petrel'
    ? withFields(config, { autoBatch: options.autoBatch, ...parseFieldOverrides(options.set) })
    : config);
  console.log(`topic: ${options.topic} threadCount: ${options.threads} messageSize: ${options.size}`
    + ` keyEnable: ${options.keys} propertySize: 0 tagCount: ${options.tags} traceEnable: false aclEnable: false`
    + ` messageQuantity: ${options.quantity}\ndelayEnable: ${options.delay} delayLevel: ${options.delayLevel}`
    + `\nasyncEnable: ${options.async} autoBatch: ${options.autoBatch}`);
  await driver.createTopic(options.topic, MODE_PARTITIONS);
  const producer = await driver.createProducer(options.topic);
  const counters = new ProducerCounters();
  const payloads = new PayloadFactory([Buffer.alloc(options.size, 0x61)]);
  let issued = 0;
  let stopping = false;
  const limitReached = (): boolean => stopping || (options.quantity > 0 && issued >= options.quantity);
  // Each in-flight slot is a chain of callbacks: a send's completion records it and issues the
  // slot's next send. Per message one reaction on the driver's promise, no async frame, waiter
  // promise or loop resume (those were ~10 % of this process's CPU at 4,096 slots).
  const slot = (): Promise<void> => new Promise((resolveSlot) => {
    const next = (): void => {
      if (limitReached()) {
        resolveSlot();
        return;
      }
      const sequence = issued++;
      const startUs = nowUs();
      const payload = payloads.next(startUs);
      sendGuarded(producer, payload, sendOptionsFor(options, sequence)).then(() => {
        counters.recordSuccess(nowUs() - startUs);
        payloads.release(payload);
        next();
      }, (error: unknown) => {
        counters.recordFailure(error);
        next();
      });
    };
    next();
  });
  const slots = options.async ? ASYNC_WINDOW : Math.max(1, options.threads);
  const workers = Array.from({ length: slots }, slot);
  const reporter = startProducerReporter(counters, options.reportInterval);
  const finished = Promise.all(workers);
  await Promise.race([finished, stopSignal(options.duration)]);
  stopping = true;
  await finished;
  reporter.stop();
  console.log(rocketmqProducerLine(new Date(), counters.window()));
  if (options.quantity > 0) console.log(rocketmqProducerCompleteLine(counters.successes, counters.window()));
  console.log(percentileLine('Send RT', summarize(counters.histogram)));
  await producer.close();
  await driver.close();
}

function startProducerReporter(counters: ProducerCounters, reportIntervalMs: number): { stop(): void } {
  counters.snapshot();
  const snapshotTimer = setInterval(() => counters.snapshot(), 1000);
  const reportTimer = setInterval(() => {
    console.log(rocketmqProducerLine(new Date(), counters.window()));
    console.log(percentileLine('Send RT', summarize(counters.histogram)));
    counters.histogram.reset();
  }, reportIntervalMs);
  return {
    stop(): void {
      clearInterval(snapshotTimer);
      clearInterval(reportTimer);
      counters.snapshot();
    },
  };
}

class ConsumerWindowStats {
  count = 0;
  b2cTotalMs = 0;
  s2cTotalMs = 0;
  b2cMaxMs = 0;
  s2cMaxMs = 0;
  startMs = Date.now();
  readonly b2c = newHistogram(12 * 3600 * 1_000_000);
  readonly s2c = newHistogram(12 * 3600 * 1_000_000);

  record(bornUs: number | undefined, storeUs: number | undefined): void {
    const now = nowUs();
    this.count++;
    if (bornUs !== undefined) {
      const us = Math.max(1, now - bornUs);
      this.b2cTotalMs += us / 1000;
      this.b2cMaxMs = Math.max(this.b2cMaxMs, us / 1000);
      this.b2c.recordValue(Math.round(us));
    }
    if (storeUs !== undefined) {
      const us = Math.max(1, now - storeUs);
      this.s2cTotalMs += us / 1000;
      this.s2cMaxMs = Math.max(this.s2cMaxMs, us / 1000);
      this.s2c.recordValue(Math.round(us));
    }
  }

  report(): void {
    const seconds = Math.max(0.001, (Date.now() - this.startMs) / 1000);
    const average = (total: number): number => (this.count === 0 ? 0 : total / this.count);
    console.log(rocketmqConsumerLine(Date.now(), {
      tps: this.count / seconds, failed: 0,
      averageB2cMs: average(this.b2cTotalMs), averageS2cMs: average(this.s2cTotalMs),
      maxB2cMs: this.b2cMaxMs, maxS2cMs: this.s2cMaxMs,
    }));
    console.log(percentileLine('B2C', summarize(this.b2c)));
    console.log(percentileLine('S2C', summarize(this.s2c)));
    this.count = 0;
    this.b2cTotalMs = 0;
    this.s2cTotalMs = 0;
    this.b2cMaxMs = 0;
    this.s2cMaxMs = 0;
    this.b2c.reset();
    this.s2c.reset();
    this.startMs = Date.now();
  }
}

export async function runConsumerMode(options: ConsumerModeOptions): Promise<void> {
  const driver: BenchmarkDriver = await createDriver(modeDriverConfig(options));
  const group = options.groupSuffix ? `${options.group}_${Date.now() % 100}` : options.group;
  console.log(`topic: ${options.topic} group: ${group} threadCount: ${options.threads}`);
  await driver.createTopic(options.topic, MODE_PARTITIONS);
  const stats = new ConsumerWindowStats();
  const consumer = await driver.createConsumer(options.topic, group, 'latest', (_bytes, bornUs, storeUs) => {
    stats.record(bornUs, storeUs);
  });
  const timer = setInterval(() => stats.report(), options.reportInterval);
  await stopSignal(options.duration);
  clearInterval(timer);
  stats.report();
  await consumer.close();
  await driver.close();
}
