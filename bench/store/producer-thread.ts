// One producer thread of `make bench-store` (a broker I/O thread's role): runs a round of the
// closed append loop (append-loop.ts) on its own ProducerPort for each duration the main thread
// posts, and posts each round's result; 0 ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { type ProducerPort, StoreProducer } from '../../src/store/producer.js';
import { type LoopSpec, appendLoop } from './append-loop.js';

interface Start {
  port: ProducerPort;
  spec: LoopSpec;
}

const start = workerData as Start;
if (parentPort === null) throw new Error('producer-thread.js runs as a worker thread');
const parent = parentPort;
const producer = new StoreProducer(start.port);
const round = appendLoop(producer, start.spec);
parent.on('message', (durationMs: number) => {
  if (durationMs === 0) {
    producer.close();
    parent.close();
    return;
  }
  void round(durationMs).then((result) => parent.postMessage(result));
});
parent.postMessage('ready');
