import type { Clock } from '../common/clock.js';
import type { DataVersion } from '../protocol/bodies/route.js';
import { dataVersionFromJson } from '../protocol/bodies/route.js';
import type { JsonValue } from '../protocol/fastjson.js';

export type { DataVersion };

/**
 * RocketMQ's DataVersion: a counter and the time of the last change. The NameServer compares
 * it to decide whether a registration carries a new topic table (reference §2.5).
 */
export function nextDataVersion(current: DataVersion, clock: Clock): DataVersion {
  return { counter: current.counter + 1, timestamp: clock.nowMs() };
}

export function initialDataVersion(clock: Clock): DataVersion {
  return { counter: 0, timestamp: clock.nowMs() };
}

/** The DataVersion in a config file, or `fallback` when absent or malformed. */
export function readDataVersion(value: JsonValue | undefined, fallback: DataVersion): DataVersion {
  if (value === undefined) return fallback;
  try {
    return dataVersionFromJson(value);
  } catch {
    return fallback;
  }
}
