/**
 * Console lines: OMB's live line (every stats period) and aggregated line, and RocketMQ's
 * benchmark report lines, plus the percentile line RocketMQ's tool lacks.
 */
import type { LatencySummaryUs, PeriodSnapshot } from '../stats.js';

const MB = 1024 * 1024;

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

function ms(valueUs: number): string {
  return fixed(valueUs / 1000, 3);
}

/** OMB's live line: `Pub rate … | Pub Delay Latency (us) …`. */
export function ombLiveLine(snapshot: PeriodSnapshot): string {
  const pub = snapshot.latencies.publishLatency;
  const delay = snapshot.latencies.publishDelayLatency;
  return `Pub rate ${fixed(snapshot.publishRate, 1)} msg/s / ${fixed(snapshot.publishBytesRate / MB, 1)} MB/s`
    + ` | Pub err ${fixed(snapshot.publishErrorRate, 1)} err/s`
    + ` | Cons rate ${fixed(snapshot.consumeRate, 1)} msg/s / ${fixed(snapshot.consumeBytesRate / MB, 1)} MB/s`
    + ` | Backlog: ${fixed(snapshot.backlog / 1000, 1)} K`
    + ` | Pub Latency (ms) avg: ${ms(pub.avg)} - 50%: ${ms(pub.p50)} - 99%: ${ms(pub.p99)}`
    + ` - 99.9%: ${ms(pub.p999)} - Max: ${ms(pub.max)}`
    + ` | Pub Delay Latency (us) avg: ${fixed(delay.avg, 1)} - 50%: ${delay.p50} - 99%: ${delay.p99}`
    + ` - 99.9%: ${delay.p999} - Max: ${delay.max}`;
}

function aggregate(name: string, unit: 'ms' | 'us', summary: LatencySummaryUs): string {
  const show = unit === 'ms' ? ms : (valueUs: number): string => fixed(valueUs, 0);
  return `${name} (${unit}) avg: ${show(summary.avg)} - 50%: ${show(summary.p50)} - 75%: ${show(summary.p75)}`
    + ` - 95%: ${show(summary.p95)} - 99%: ${show(summary.p99)} - 99.9%: ${show(summary.p999)}`
    + ` - 99.99%: ${show(summary.p9999)} - Max: ${show(summary.max)}`;
}

/** OMB's closing line, with end-to-end and store-to-consume appended when measured. */
export function ombAggregatedLine(
  latencies: Record<'publishLatency' | 'publishDelayLatency' | 'endToEndLatency' | 'storeToConsumeLatency', LatencySummaryUs>,
): string {
  const parts = [
    `----- ${aggregate('Aggregated Pub Latency', 'ms', latencies.publishLatency)}`,
    aggregate('Pub Delay', 'us', latencies.publishDelayLatency),
  ];
  if (latencies.endToEndLatency.count > 0) parts.push(aggregate('E2E Latency', 'ms', latencies.endToEndLatency));
  if (latencies.storeToConsumeLatency.count > 0) {
    parts.push(aggregate('Store-to-Consume Latency', 'ms', latencies.storeToConsumeLatency));
  }
  return parts.join(' | ');
}

/** `yyyy-MM-dd HH:mm:ss,SSS` in local time, as RocketMQ's producer prints it. */
export function rocketmqTime(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`;
}

export interface ProducerWindow {
  sendTps: number;
  maxRtMs: number;
  averageRtMs: number;
  sendFailed: number;
  responseFailed: number;
}

/** RocketMQ benchmark Producer's report line. */
export function rocketmqProducerLine(now: Date, window: ProducerWindow): string {
  return `Current Time: ${rocketmqTime(now)} Send TPS: ${Math.round(window.sendTps)}`
    + ` Max RT(ms): ${Math.round(window.maxRtMs)} Average RT(ms): ${window.averageRtMs.toFixed(3).padStart(7)}`
    + ` Send Failed: ${window.sendFailed} Response Failed: ${window.responseFailed}`;
}

/** The closing `[Complete]` line when `-q` limits the quantity. */
export function rocketmqProducerCompleteLine(total: number, window: ProducerWindow): string {
  return `[Complete] Send Total: ${total} Send TPS: ${Math.round(window.sendTps)}`
    + ` Max RT(ms): ${Math.round(window.maxRtMs)} Average RT(ms): ${window.averageRtMs.toFixed(3).padStart(7)}`
    + ` Send Failed: ${window.sendFailed} Response Failed: ${window.responseFailed}`;
}

export interface ConsumerWindow {
  tps: number;
  failed: number;
  averageB2cMs: number;
  averageS2cMs: number;
  maxB2cMs: number;
  maxS2cMs: number;
}

/** RocketMQ benchmark Consumer's report line (maxima are per window). */
export function rocketmqConsumerLine(nowMs: number, window: ConsumerWindow): string {
  return `Current Time: ${nowMs} TPS: ${Math.round(window.tps)} FAIL: ${window.failed}`
    + ` AVG(B2C) RT(ms): ${window.averageB2cMs.toFixed(3).padStart(7)}`
    + ` AVG(S2C) RT(ms): ${window.averageS2cMs.toFixed(3).padStart(7)}`
    + ` MAX(B2C) RT(ms): ${Math.round(window.maxB2cMs)} MAX(S2C) RT(ms): ${Math.round(window.maxS2cMs)}`;
}

/** The percentiles RocketMQ's tool lacks, µs. */
export function percentileLine(label: string, summary: LatencySummaryUs): string {
  return `${label} (us) p50: ${summary.p50} p75: ${summary.p75} p95: ${summary.p95} p99: ${summary.p99}`
    + ` p99.9: ${summary.p999} p99.99: ${summary.p9999} max: ${summary.max}`;
}
