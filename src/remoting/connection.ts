/**
 * The client's pluggable connection layer. `RemotingClient` asks a `ConnectionFactory` for a
 * connection to an address and then only writes frames, reads chunks and watches for close;
 * it never sees a socket. TCP (`tcp-connection.ts`) and WebSocket (`ws-*.ts`, each binary
 * message carrying one or more frames back to back) implement the same interface, so a command
 * behaves identically over both.
 */
export type TransportKind = 'tcp' | 'ws';

export interface Connection {
  readonly transport: TransportKind;
  /** Peer address as `ip:port`. */
  readonly remoteAddress: string;
  /** Local address as `ip:port`. */
  readonly localAddress: string;
  readonly closed: boolean;
  /**
   * Bytes accepted by `writeFrames` and not yet handed to the kernel. The client refuses new
   * requests (ERR_REMOTING_TOO_MANY_IN_FLIGHT) while this exceeds SOCKET_WRITE_QUEUE_BYTES_MAX.
   */
  readonly writeQueueBytes: number;
  /**
   * Queues complete frames (length prefix included) for writing. Frames queued in one tick go
   * out together (one socket write / one WebSocket message). Dropped if the connection closed.
   */
  writeFrames(frames: readonly Buffer[]): void;
  /** Registers the single data listener: raw bytes, arbitrary chunking, frames back to back. */
  onData(listener: (chunk: Buffer) => void): void;
  /**
   * Optional (TCP): before each socket read the connection asks `target` where the bytes should
   * land; a non-null view (a decoder's awaited frame, `FrameDecoder.readTarget`) is filled and
   * handed to the data listener as `view.subarray(0, bytesRead)`, null means a buffer of the
   * connection's own. Register before `onData`.
   */
  readInto?(target: () => Buffer | null): void;
  /** Registers a listener run once when the connection closes (either side), with a reason. */
  onClose(listener: (reason: string) => void): void;
  /** Closes the connection; `reason` is passed to close listeners and logged. */
  close(reason: string): void;
}

export interface ConnectOptions {
  /** Give up (ERR_REMOTING_CONNECT) if the connection is not open after this long. */
  connectTimeoutMs: number;
}

/**
 * Opens a connection to `address` ("host:port"). Rejects with PetrelError ERR_REMOTING_CONNECT
 * when the peer cannot be reached in time.
 */
export type ConnectionFactory = (address: string, options: ConnectOptions) => Promise<Connection>;

/** Splits "host:port" (IPv6 hosts may be bracketed: "[::1]:9876"). */
export function parseAddress(address: string): { host: string; port: number } | null {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return null;
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  return { host, port };
}

const factories = new Map<TransportKind, ConnectionFactory>();

/**
 * Makes `factory` the default for `kind` in every RemotingClient created afterwards without an
 * explicit `connectionFactory`. The TCP factory is registered by client.ts; the WebSocket module
 * registers 'ws' when it is imported.
 */
export function registerConnectionFactory(kind: TransportKind, factory: ConnectionFactory): void {
  factories.set(kind, factory);
}

export function connectionFactoryFor(kind: TransportKind): ConnectionFactory | undefined {
  return factories.get(kind);
}
