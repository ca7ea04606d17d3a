// Proves an index key whose Java hash (String.hashCode of topic + "#" + key) is Integer.MIN_VALUE
// is hashed to 0, as RocketMQ's index does (Java's Math.abs leaves MIN_VALUE negative, and the
// broker then uses 0), on every path that hashes keys: the string path, the producer's hashes
// (carried in an Int32Array) and the worker's byte scan; and that records with such a key are
// found by key, whichever path indexed them. The key is built, not guessed: a meet-in-the-middle
// search over two 3-character halves of a 6-character printable-ASCII key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/common/clock.js';
import { silentLogger } from '../../../src/common/log.js';
import { javaStringHashCode } from '../../../src/protocol/java-hash.js';
import { testMinStoreConfig } from '../../../src/store/config.js';
import { StoreEngine } from '../../../src/store/engine.js';
import { indexKeyHash, indexKeyHashesOf, scanIndexKeyHashes, topicHashPrefix } from '../../../src/store/index-file.js';
import { StoreReader } from '../../../src/store/reader.js';
import { bodyOf, buildRecord } from './record-builder.js';

const INT32_MIN = -0x80000000;
/** Printable ASCII but the space (KEYS splits on it): 94 - 1 characters. */
const ALPHABET = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));

/** A 6-character key k with javaStringHashCode(topic + '#' + k) === Integer.MIN_VALUE. */
function keyWithMinHash(topic: string): string {
  const byHash = new Map<number, string>();
  for (const a of ALPHABET) for (const b of ALPHABET) for (const c of ALPHABET) byHash.set(javaStringHashCode(a + b + c), a + b + c);
  // hash(prefix ‖ A ‖ B) = prefix·31^6 + hash(A)·31^3 + hash(B)  (mod 2^32)
  const base = Math.imul(topicHashPrefix(topic), 887_503_681);
  for (const a of ALPHABET) {
    for (const b of ALPHABET) {
      for (const c of ALPHABET) {
        const first = a + b + c;
        const needed = (INT32_MIN - base - Math.imul(javaStringHashCode(first), 29_791)) | 0;
        const second = byHash.get(needed);
        if (second !== undefined) return first + second;
      }
    }
  }
  throw new Error(`no 6-character key hashes to Integer.MIN_VALUE under topic ${topic}`);
}

let dir: string;
let clock: FakeClock;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'petrel-min-hash-'));
  clock = new FakeClock(1_700_000_000_000);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('index key hashing at Integer.MIN_VALUE', () => {
  const topic = 'MinHashTopic';
  const key = keyWithMinHash(topic);

  it('hashes to 0 on the string, producer and byte-scan paths', () => {
    expect(javaStringHashCode(`${topic}#${key}`)).toBe(INT32_MIN);
    expect(indexKeyHash(topicHashPrefix(topic), key)).toBe(0);
    expect(Array.from(Int32Array.from(indexKeyHashesOf(topic, undefined, key)))).toEqual([1, 0]);
    const properties = Buffer.from(`KEYS\u0001${key} other\u0002UNIQ_KEY\u0001${key}`, 'latin1');
    const scanned: number[] = [];
    scanIndexKeyHashes(properties, 0, properties.length, topicHashPrefix(topic), (hash) => scanned.push(hash));
    expect(scanned).toEqual([0, indexKeyHash(topicHashPrefix(topic), 'other'), 0]);
  });

  it('finds records with that key by key, indexed from producer hashes or by the worker', () => {
    const engine = StoreEngine.open(testMinStoreConfig(dir), silentLogger, clock);
    const reader = new StoreReader(engine.readerPort());
    const fromProducer = engine.append(buildRecord({ topic, queueId: 0, body: bodyOf(1, 40), keys: key }), [0],
      indexKeyHashesOf(topic, undefined, key));
    const fromWorker = engine.append(buildRecord({ topic, queueId: 0, body: bodyOf(2, 40), keys: key }), [0]);
    expect(fromProducer.status).toBe('ok');
    expect(fromWorker.status).toBe('ok');
    if (fromProducer.status !== 'ok' || fromWorker.status !== 'ok') return;
    const found = reader.queryByKey(topic, key, 10, 0, clock.nowMs() + 1000).physicalOffsets;
    expect([...found].sort((a, b) => a - b)).toEqual([fromProducer.physicalOffset, fromWorker.physicalOffset]);
    reader.close();
    engine.close();
  });
});
