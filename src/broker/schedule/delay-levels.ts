import { ErrorCode, PetrelError } from '../../common/errors.js';
import { parseDelayLevels as parseLevelsStrict } from '../../store/config.js';

/**
 * Delay levels (reference §5.1): `messageDelayLevel` is a list like "1s 5s 10s 30s 1m ... 2h";
 * level n (1-based) is the n-th token. Retries use level 3 + reconsumeTimes (§5.2).
 */

/** Parses `messageDelayLevel` into milliseconds per level (index = level - 1). */
export function parseDelayLevels(text: string): number[] {
  let levelsMs: number[];
  try {
    levelsMs = parseLevelsStrict(text);
  } catch {
    throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `messageDelayLevel=${text}: bad level`);
  }
  if (levelsMs.length === 0 || levelsMs.some((ms) => !(ms > 0))) {
    throw new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, `messageDelayLevel=${text}: need positive levels`);
  }
  return levelsMs;
}

/** A requested level clamped to the configured range (Java clamps to the maximum). */
export function clampDelayLevel(level: number, levelsMs: readonly number[]): number {
  return Math.max(1, Math.min(level, levelsMs.length));
}

export function delayMsOfLevel(level: number, levelsMs: readonly number[]): number {
  return levelsMs[clampDelayLevel(level, levelsMs) - 1] ?? 0;
}

/** Schedule-topic queue of a level: one queue per level, queueId = level - 1. */
export function scheduleQueueIdOf(level: number): number {
  return level - 1;
}
