import { setFlagsFromString } from 'node:v8';
import { assert } from './assert.js';

/**
 * Where V8 starts the old generation's collection threshold for the isolates the broker creates
 * after this point (store worker, flusher, I/O threads, dispatch pool). With V8's default a
 * worker whose live heap is ~9 MiB gets a limit of ~19 MiB, and an I/O thread at 5k msg/s (20 MB/s
 * of short-lived garbage, part of it promoted) then ran a full Mark-Compact every ~440 ms
 * instead of scavenges: 2-4 ms pauses plus incremental steps, on the path of every send and
 * pull (docs/decisions.md, "Worker heap"). 128 MiB is a threshold, not a reservation: memory
 * is used only as the heap really grows. RocketMQ's JVM starts with -Xms8g for the same reason.
 */
export const WORKER_INITIAL_OLD_SPACE_MB = 128;

const FLAG = 'initial-old-space-size';

/**
 * Sets V8's --initial-old-space-size for isolates created from now on, unless the operator chose
 * one (node flag or NODE_OPTIONS), which then wins. Returns the value in effect, or null when
 * the operator's own setting was kept.
 */
export function raiseWorkerOldSpaceStart(
  initialOldSpaceMb: number = WORKER_INITIAL_OLD_SPACE_MB,
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): number | null {
  assert(Number.isInteger(initialOldSpaceMb) && initialOldSpaceMb > 0, 'initialOldSpaceMb must be a positive integer');
  if (operatorSetsOldSpace(execArgv, nodeOptions)) return null;
  setFlagsFromString(`--${FLAG}=${initialOldSpaceMb}`);
  return initialOldSpaceMb;
}

/** True when a node flag or NODE_OPTIONS already names the initial old space (either spelling). */
export function operatorSetsOldSpace(execArgv: readonly string[], nodeOptions: string): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return given.some((arg) => arg.replaceAll('_', '-').startsWith(`--${FLAG}`));
}
