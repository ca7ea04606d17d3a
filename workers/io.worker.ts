import { runIoThread } from '../src/broker/io/io-thread.js';

/**
 * A broker I/O thread (DESIGN "The broker's threads"): WebSocket (and, in thread 0, TCP)
 * remoting, the data-plane handlers, and forwarding of everything else to the main thread.
 * Thin: the logic is src/broker/io/io-thread.ts; the messages are src/broker/io/io-messages.ts.
 */
runIoThread();
