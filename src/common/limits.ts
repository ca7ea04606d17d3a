import { assert } from './assert.js';

/**
 * Every bound in Petrel has a name and lives here (STYLE §0). Relationships between them are
 * asserted when the module loads.
 */

/** RocketMQ's NettyDecoder FRAME_MAX_LENGTH default: 16 MiB. */
export const FRAME_BYTES_MAX = 16 * 1024 * 1024;
/** Smallest frame: the 4-byte header-length word after the 4-byte length prefix. */
export const FRAME_BYTES_MIN = 4;
/** Default maximum message body+properties size (`maxMessageSize`, 4 MiB as RocketMQ). */
export const MESSAGE_BYTES_MAX_DEFAULT = 4 * 1024 * 1024;
/** Requests a remoting client keeps in flight per connection before refusing more. */
export const IN_FLIGHT_REQUESTS_MAX = 65_536;
/** Requests a server connection may have unanswered before it stops reading. */
export const SERVER_IN_FLIGHT_PER_CONNECTION_MAX = 4_096;
/**
 * Bytes of records that may wait for the store per broker I/O thread (the send queue,
 * src/broker/data-plane/send-queue.ts); past it a send is answered SYSTEM_BUSY at once.
 */
export const SEND_QUEUE_BYTES_MAX = 64 * 1024 * 1024;
/** Bytes queued for one socket before the writer stops coalescing and waits for drain. */
export const SOCKET_WRITE_QUEUE_BYTES_MAX = 64 * 1024 * 1024;
/**
 * WebSocket transport: frames queued in one tick are coalesced into one binary message up to
 * this size; a frame this large or larger goes alone (no extra copy, and the sizes a caller
 * sends stay the sizes on the wire).
 */
export const WS_COALESCE_BYTES_MAX = 64 * 1024;
/** Largest WebSocket message accepted: one maximal frame (with its length prefix) plus a batch. */
export const WS_MESSAGE_BYTES_MAX = FRAME_BYTES_MAX + 4 + WS_COALESCE_BYTES_MAX;
/** Largest HTTP request body the WebSocket server's HTTP routes accept (admin API JSON). */
export const HTTP_BODY_BYTES_MAX = 1024 * 1024;
/** Properties string is a short on the wire. */
export const PROPERTIES_BYTES_MAX = 32_767;
/** Topic names: RocketMQ's TOPIC_MAX_LENGTH. */
export const TOPIC_NAME_CHARS_MAX = 127;

assert(FRAME_BYTES_MAX > MESSAGE_BYTES_MAX_DEFAULT, 'a max-size message must fit in one frame');
assert(IN_FLIGHT_REQUESTS_MAX >= SERVER_IN_FLIGHT_PER_CONNECTION_MAX, 'client bound >= server bound');
assert(SOCKET_WRITE_QUEUE_BYTES_MAX >= 2 * FRAME_BYTES_MAX, 'write queue holds two max frames');
assert(WS_MESSAGE_BYTES_MAX > FRAME_BYTES_MAX + 4, 'a WebSocket message holds a max frame');
assert(SOCKET_WRITE_QUEUE_BYTES_MAX >= 2 * WS_MESSAGE_BYTES_MAX, 'ws send queue holds two max messages');
