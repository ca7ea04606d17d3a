// Store ring choice (docs/decisions.md "Store rings"): the in-house SPSC request ring against
// ringbuf.js, moving append-sized entries (a 16-byte header + a ~270-byte record, the size of a
// 128-byte-body message) through a SharedArrayBuffer ring, push then pop, in one thread.
// BENCH_LARGE=1 uses 1 KiB bodies too. Prints a result hash so the work cannot be skipped.
import { RingBuffer } from 'ringbuf.js';
import { Bench } from 'tinybench';
import {
  RequestRingReader, RequestRingWriter, createRequestRingBuffer, requestEntryBytes,
} from '../../src/store/ring.js';


const LARGE = process.env.BENCH_LARGE === '1';
const recordBytes = [270, ...(LARGE ? [1170] : [])];
const perIteration = 64;
let hash = 0;

const bench = new Bench({ name: 'store request ring: push + pop', time: LARGE ? 2000 : 300 });
for (const bytes of recordBytes) {
  const record = new Uint8Array(bytes).map((_, i) => (i * 7 + 1) & 0xff);
  const inHouseBuffer = createRequestRingBuffer(1 << 20);
  const writer = new RequestRingWriter(inHouseBuffer);
  const reader = new RequestRingReader(inHouseBuffer);
  const entryBytes = requestEntryBytes(1, bytes);
  bench.add(`in-house ring, ${bytes} B`, () => {
    for (let i = 0; i < perIteration; i++) {
      const at = writer.reserve(entryBytes);
      writer.words[at >> 2] = entryBytes;
      writer.bytes.set(record, at + 24);
      writer.commit(entryBytes);
    }
    for (let at = reader.peek(); at >= 0; at = reader.peek()) {
      hash = (hash + (reader.bytes[at + 24 + (hash & 15)] as number)) | 0;
      reader.release(reader.entryBytes(at));
    }
  });
  const ringbuf = new RingBuffer(RingBuffer.getStorageForCapacity(1 << 20, Uint8Array), Uint8Array);
  const framed = new Uint8Array(bytes + 24);
  framed.set(record, 24);
  const out = new Uint8Array(bytes + 24);
  bench.add(`ringbuf.js, ${bytes} B`, () => {
    for (let i = 0; i < perIteration; i++) ringbuf.push(framed);
    for (let i = 0; i < perIteration; i++) {
      ringbuf.pop(out);
      hash = (hash + (out[24 + (hash & 15)] as number)) | 0;
    }
  });
}
await bench.run();
console.table(bench.table());
console.log(`entries per task: ${perIteration}; hash: ${hash}`);
