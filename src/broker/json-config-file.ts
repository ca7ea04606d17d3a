import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JsonValue } from '../protocol/fastjson.js';
import { parseFastjson } from '../protocol/fastjson.js';

/**
 * The broker's config files (`topics.json`, `consumerOffset.json`, ...), written the way
 * RocketMQ's ConfigManager writes them (reference §3.8): fastjson pretty format (tab indent,
 * no space after ':'), and maps with integer keys (`Map<Integer,Long>`) written inline with
 * unquoted keys, e.g. `{0:123,1:97}`. Java's fastjson and our `parseFastjson` read both.
 *
 * Durability: `writeConfigFile` writes `<file>.tmp` and fsyncs it, copies the current file to
 * `<file>.bak`, then renames the `.tmp` over the file; a crash leaves either the old or the new
 * content, never a torn one. `readConfigFile` falls back to `.bak` when the file is missing or
 * does not parse. Main thread only (synchronous, small files).
 */

/** A map whose keys are written unquoted: queue ids, delay levels. */
export type IntKeyMap = Map<number, number>;

export function formatConfigJson(value: unknown): string {
  return pretty(value, 0);
}

function pretty(value: unknown, depth: number): string {
  if (value instanceof Map) return inlineIntMap(value as IntKeyMap);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = '\t'.repeat(depth + 1);
    const items = value.map((item) => `${inner}${pretty(item, depth + 1)}`);
    return `[\n${items.join(',\n')}\n${'\t'.repeat(depth)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = '\t'.repeat(depth + 1);
    const members = entries.map(([key, member]) => `${inner}${JSON.stringify(key)}:${pretty(member, depth + 1)}`);
    return `{\n${members.join(',\n')}\n${'\t'.repeat(depth)}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function inlineIntMap(map: IntKeyMap): string {
  const parts: string[] = [];
  for (const [key, member] of map) parts.push(`${key}:${member}`);
  return `{${parts.join(',')}}`;
}

export function writeConfigFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmpPath = `${path}.tmp`;
  const fd = openSync(tmpPath, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) copyFileSync(path, `${path}.bak`);
  renameSync(tmpPath, path);
}

/** The parsed file, else the parsed `.bak`, else null when neither exists or parses. */
export function readConfigFile(path: string): JsonValue | null {
  for (const candidate of [path, `${path}.bak`]) {
    if (!existsSync(candidate)) continue;
    const text = readFileSync(candidate, 'utf8');
    if (text.trim() === '') continue;
    try {
      return parseFastjson(text);
    } catch {
      // a torn or hand-edited file: try the backup
    }
  }
  return null;
}

/** Reads an `{0:12,1:7}`-shaped value into a Map with numeric keys, dropping non-numbers. */
export function toIntKeyMap(value: JsonValue | undefined): IntKeyMap {
  const map: IntKeyMap = new Map();
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return map;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [key, member] of entries) {
    const numericKey = Number(key);
    if (Number.isInteger(numericKey) && typeof member === 'number') map.set(numericKey, member);
  }
  return map;
}
