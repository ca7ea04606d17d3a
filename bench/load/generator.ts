/**
 * Runs one workload against one driver, through OMB's phases (its WorkloadGenerator):
 *   setup (topics, consumers, producers, a readiness probe) → warm-up → measurement,
 * or, for a backlog workload, the same setup and warm-up, then:
 *   wait until the consumers caught up → pause them → build the backlog → resume → drain.
 * Every driver's consumers are thus live and warm when the drain starts. Messages a consumer
 * still receives while paused (reads already under way: a held long poll, a blocking XREAD) are
 * counted and reported; the drain counts what arrives after the resume.
 * It samples the stats every `samplePeriodSeconds`, prints OMB's live line for each sample,
 * steers the max-rate probe every second, and returns the result document.
 */
import { assert } from '../../src/common/assert.js';
import type { BenchmarkConsumer, BenchmarkDriver, BenchmarkProducer, ConsumerCallback, Workload } from './types.js';
import { BenchStats, LATENCY_METRICS, summarize } from './stats.js';
import type { LatencyMetric, PeriodSnapshot } from './stats.js';
import { OpenLoopSender } from './sender.js';
import { RATE_PROBE_INITIAL, RateController } from './rate-controller.js';
import { nowUs, payloadFactoryFor } from './payload.js';
import { backlogMessageCount, consumerCount } from './workload.js';
import { buildResult } from './result.js';
import type { BacklogDrain, RunSummary, TestResult } from './result.js';
import type { Environment } from './environment.js';
import type { Progress } from './progress.js';
import { ombAggregatedLine, ombLiveLine } from './report/console.js';

/** The max-rate probe re-decides once a second, as OMB's does. */
const CONTROL_PERIOD_SECONDS = 1;
/** How long topics may take to deliver a first message (consumer group rebalance included). */
const READINESS_TIMEOUT_MS = 60_000;
/** How long the consumers may take to catch up with the warm-up traffic before the pause. */
const CATCH_UP_TIMEOUT_MS = 120_000;
const TICK_MS = 250;

export interface RunOptions {
  workload: Workload;
  driver: BenchmarkDriver;
  driverConfigFields: Record<string, unknown>;
  environment: Environment;
  progress: Progress;
  samplePeriodSeconds: number;
  /** RocketMQ delay level for every message (0 = none). */
  delayLevel?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Clients {
  producers: BenchmarkProducer[];
  consumers: BenchmarkConsumer[];
  topics: string[];
}

class WorkloadRun {
  private stats: BenchStats;
  private readonly snapshots: PeriodSnapshot[] = [];
  private readonly clients: Clients = { producers: [], consumers: [], topics: [] };
  private readonly rateProbe: number[] = [];
  private firstReceiveUs: number | undefined;
  private lastReceiveUs: number | undefined;
  private readonly workload: Workload;

  constructor(private readonly options: RunOptions) {
    this.workload = options.workload;
    this.stats = new BenchStats(nowUs(), this.workload.subscriptionsPerTopic);
  }

  private readonly onMessage: ConsumerCallback = (payloadBytes, bornTimeUs, storeTimeUs, receivedTimeUs) => {
    const now = receivedTimeUs ?? nowUs();
    if (this.firstReceiveUs === undefined) this.firstReceiveUs = now;
    this.lastReceiveUs = now;
    this.stats.recordReceived(payloadBytes, bornTimeUs, storeTimeUs, now);
  };

  async run(): Promise<TestResult> {
    const { driver } = this.options;
    const backlog = backlogMessageCount(this.workload);
    try {
      await this.createTopics();
      await this.createConsumers('earliest');
      await this.createProducers();
      await this.probeReadiness();
      let drain: BacklogDrain | undefined;
      let summary: RunSummary;
      if (backlog > 0) {
        ({ drain, summary } = await this.runBacklog(backlog));
      } else {
        summary = await this.runTimed();
      }
      return this.result(summary, drain);
    } finally {
      await Promise.allSettled(this.clients.producers.map((producer) => producer.close()));
      await Promise.allSettled(this.clients.consumers.map((consumer) => consumer.close()));
      await driver.close();
    }
  }

  private async createTopics(): Promise<void> {
    const { driver } = this.options;
    const prefix = driver.topicNamePrefix();
    for (let i = 0; i < this.workload.topics; i++) {
      const topic = `${prefix}-${i}`;
      await driver.createTopic(topic, this.workload.partitionsPerTopic);
      this.clients.topics.push(topic);
    }
  }

  private async createProducers(): Promise<void> {
    const { driver } = this.options;
    for (const topic of this.clients.topics) {
      for (let p = 0; p < this.workload.producersPerTopic; p++) {
        this.clients.producers.push(await driver.createProducer(topic));
      }
    }
  }

  private async createConsumers(startAt: 'earliest' | 'latest'): Promise<void> {
    const { driver } = this.options;
    for (const topic of this.clients.topics) {
      for (let s = 0; s < this.workload.subscriptionsPerTopic; s++) {
        const subscription = `sub-${s}-${Math.random().toString(36).slice(2, 8)}`;
        for (let c = 0; c < this.workload.consumerPerSubscription; c++) {
          this.clients.consumers.push(await driver.createConsumer(topic, subscription, startAt, this.onMessage));
        }
      }
    }
  }

  /** One message per producer must reach every subscription before the clock starts. */
  private async probeReadiness(): Promise<void> {
    const payloads = payloadFactoryFor(this.workload);
    await Promise.all(this.clients.producers.map((producer) => producer.send(payloads.next(nowUs()), undefined)));
    const expected = consumerCount(this.workload) === 0
      ? 0 : this.clients.producers.length * this.workload.subscriptionsPerTopic;
    const deadline = Date.now() + READINESS_TIMEOUT_MS;
    while (this.stats.totalReceived < expected) {
      if (Date.now() > deadline) {
        throw new Error(`topics not ready: ${this.stats.totalReceived}/${expected} probe messages received`);
      }
      await sleep(50);
    }
    this.stats = new BenchStats(nowUs(), this.workload.subscriptionsPerTopic);
    this.firstReceiveUs = undefined;
  }

  private newSender(): OpenLoopSender {
    return new OpenLoopSender({
      producers: this.clients.producers,
      payloads: payloadFactoryFor(this.workload),
      stats: this.stats,
      maxOutstanding: this.workload.maxOutstandingSends,
      keyDistributor: this.workload.keyDistributor,
      tagCount: this.workload.tagCount,
      delayLevel: this.options.delayLevel ?? 0,
    });
  }

  private async runTimed(): Promise<RunSummary> {
    const probe = this.workload.producerRate === 0;
    const sender = this.newSender();
    sender.setRate(probe ? RATE_PROBE_INITIAL : this.workload.producerRate);
    const controller = probe ? new RateController() : undefined;
    const steer = controller === undefined ? undefined : (): void => {
      const decision = controller.next(sender.ratePerSecond, CONTROL_PERIOD_SECONDS, this.stats.totalSent,
        this.stats.totalReceived / Math.max(1, this.workload.subscriptionsPerTopic), consumerCount(this.workload) > 0);
      sender.setRate(decision.nextRate);
      this.rateProbe.push(Math.round(decision.nextRate));
    };
    await this.timedPhase('warm-up', this.workload.warmupDurationMinutes * 60, false, steer);
    this.stats.resetTotals();
    const counts = this.countersNow();
    const startUs = nowUs();
    await this.timedPhase('measure', this.workload.testDurationMinutes * 60, true, steer);
    const endUs = nowUs();
    await sender.stop();
    return this.summarySince(counts, (endUs - startUs) / 1e6);
  }

  /** Samples every period, steers every second, until `seconds` have passed. */
  private async timedPhase(name: string, seconds: number, measuring: boolean, steer: (() => void) | undefined): Promise<void> {
    if (seconds <= 0) return;
    const { progress, samplePeriodSeconds } = this.options;
    progress.phase(name, seconds, 's');
    const startMs = Date.now();
    let nextSampleMs = startMs + samplePeriodSeconds * 1000;
    let nextSteerMs = startMs + CONTROL_PERIOD_SECONDS * 1000;
    const endMs = startMs + seconds * 1000;
    while (Date.now() < endMs) {
      await sleep(Math.min(TICK_MS, Math.max(1, endMs - Date.now())));
      const now = Date.now();
      if (steer !== undefined && now >= nextSteerMs) {
        steer();
        nextSteerMs += CONTROL_PERIOD_SECONDS * 1000;
      }
      if (now >= nextSampleMs || now >= endMs) {
        this.sample(measuring);
        nextSampleMs = now + samplePeriodSeconds * 1000;
      }
      progress.update((now - startMs) / 1000);
    }
  }

  private sample(measuring: boolean): void {
    const snapshot = this.stats.snapshot(nowUs(), measuring);
    if (measuring) this.snapshots.push(snapshot);
    this.options.progress.log(ombLiveLine(snapshot));
  }

  private countersNow(): { sent: number; bytes: number; errors: number; received: number; receivedBytes: number } {
    const s = this.stats;
    return { sent: s.totalSent, bytes: s.totalSentBytes, errors: s.totalSendErrors, received: s.totalReceived, receivedBytes: s.totalReceivedBytes };
  }

  private summarySince(counts: ReturnType<WorkloadRun['countersNow']>, seconds: number): RunSummary {
    const now = this.countersNow();
    const sent = now.sent - counts.sent;
    const received = now.received - counts.received;
    return {
      durationSeconds: seconds,
      messagesSent: sent,
      bytesSent: now.bytes - counts.bytes,
      sendErrors: now.errors - counts.errors,
      errorsByKind: Object.fromEntries(this.stats.errorsByKind),
      messagesReceived: received,
      publishRateAvg: sent / seconds,
      publishThroughputMBps: (now.bytes - counts.bytes) / seconds / (1024 * 1024),
      consumeRateAvg: received / seconds,
      consumeThroughputMBps: (now.receivedBytes - counts.receivedBytes) / seconds / (1024 * 1024),
    };
  }

  /**
   * OMB's buildAndDrainBacklog after its warm-up: the consumers are paused while the backlog is
   * sent, then resumed. The target counts everything sent since the pause (× subscriptions ×
   * backlogDrainRatio), including what arrived while paused; the drain rate counts only what
   * arrived after the resume, from the first to the last of it.
   */
  private async runBacklog(backlog: number): Promise<{ drain: BacklogDrain; summary: RunSummary }> {
    const { progress } = this.options;
    if (this.workload.warmupDurationMinutes > 0) await this.warmUp();
    await Promise.all(this.clients.consumers.map((consumer) => consumer.pause()));
    const paused = this.countersNow();
    const sender = this.newSender();
    progress.phase('backlog', backlog, 'msg');
    const building = sender.limitTo(backlog);
    sender.setRate(this.workload.producerRate);
    const ticker = setInterval(() => progress.update(this.stats.totalSent - paused.sent), TICK_MS);
    await building;
    await sender.stop();
    clearInterval(ticker);
    const backlogMessages = this.stats.totalSent - paused.sent;
    progress.log(`backlog built: ${backlogMessages} sent, ${this.stats.totalSendErrors - paused.errors} failed`);
    this.stats.snapshot(nowUs(), false);
    this.stats.resetTotals();
    const target = paused.received
      + Math.floor(backlogMessages * this.workload.subscriptionsPerTopic * this.workload.backlogDrainRatio);
    const resumed = this.countersNow();
    const receivedWhilePaused = resumed.received - paused.received;
    this.firstReceiveUs = undefined;
    this.lastReceiveUs = undefined;
    const startUs = nowUs();
    await Promise.all(this.clients.consumers.map((consumer) => consumer.resume()));
    await this.drainPhase(target);
    const endUs = nowUs();
    const received = this.stats.totalReceived - resumed.received;
    const first = this.firstReceiveUs;
    const last = this.lastReceiveUs;
    assert(received === 0 || (first !== undefined && last !== undefined), 'drain received messages');
    const drainSeconds = Math.max(1e-6, first === undefined || last === undefined ? 0 : (last - first) / 1e6);
    const drain: BacklogDrain = {
      messages: received, drainSeconds, drainRate: received / drainSeconds,
      drainSecondsFromStart: (endUs - startUs) / 1e6, backlogMessages, receivedWhilePaused,
    };
    progress.log(`backlog drained: ${received} messages in ${drainSeconds.toFixed(3)} s = ${drain.drainRate.toFixed(0)} msg/s`
      + ` (${receivedWhilePaused} received while paused; ${drain.drainSecondsFromStart.toFixed(3)} s from resume)`);
    return { drain, summary: this.summarySince(resumed, drainSeconds) };
  }

  /** Warm-up traffic at producerRate (OMB runs it before the backlog too), then lets the consumers catch up. */
  private async warmUp(): Promise<void> {
    const sender = this.newSender();
    sender.setRate(this.workload.producerRate);
    await this.timedPhase('warm-up', this.workload.warmupDurationMinutes * 60, false, undefined);
    await sender.stop();
    const expected = (): number => this.stats.totalSent * this.workload.subscriptionsPerTopic;
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    while (this.stats.totalReceived < expected()) {
      if (Date.now() > deadline) throw new Error(`warm-up not consumed: ${this.stats.totalReceived}/${expected()}`);
      await sleep(20);
    }
    this.options.progress.log(`warm-up: ${this.stats.totalSent} sent, ${this.stats.totalReceived} received`);
  }

  private async drainPhase(target: number): Promise<void> {
    const { progress, samplePeriodSeconds } = this.options;
    progress.phase('drain', target, 'msg');
    const deadline = Date.now() + Math.max(60, this.workload.testDurationMinutes * 60) * 1000;
    let nextSampleMs = Date.now() + samplePeriodSeconds * 1000;
    while (this.stats.totalReceived < target) {
      if (Date.now() > deadline) throw new Error(`backlog not drained: ${this.stats.totalReceived}/${target}`);
      await sleep(20);
      if (Date.now() >= nextSampleMs) {
        this.sample(true);
        nextSampleMs = Date.now() + samplePeriodSeconds * 1000;
      }
      progress.update(this.stats.totalReceived);
    }
    this.sample(true);
  }

  private result(summary: RunSummary, drain: BacklogDrain | undefined): TestResult {
    const totals = {} as Record<LatencyMetric, ReturnType<BenchStats['totalHistogram']>>;
    const latencies = {} as Record<LatencyMetric, ReturnType<typeof summarize>>;
    for (const metric of LATENCY_METRICS) {
      totals[metric] = this.stats.totalHistogram(metric);
      latencies[metric] = summarize(totals[metric]);
    }
    this.options.progress.log(ombAggregatedLine(latencies));
    const { driver } = this.options;
    return buildResult({
      workload: this.workload,
      driverName: driver.name,
      samplePeriodSeconds: this.options.samplePeriodSeconds,
      snapshots: this.snapshots,
      totals,
      summary,
      backlogDrain: drain,
      rateProbe: this.workload.producerRate === 0 ? this.rateProbe : undefined,
      environment: { ...this.options.environment, driver: driver.environment(), driverConfig: this.options.driverConfigFields },
    });
  }
}

/** Runs `options.workload`; the driver must be initialized and is closed at the end. */
export async function runWorkload(options: RunOptions): Promise<TestResult> {
  return new WorkloadRun(options).run();
}
