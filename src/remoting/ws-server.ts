import { ErrorCode, PetrelError } from '../common/errors.js';
import {
  FRAME_BYTES_MAX, SERVER_IN_FLIGHT_PER_CONNECTION_MAX, SOCKET_WRITE_QUEUE_BYTES_MAX,
  WS_COALESCE_BYTES_MAX, WS_MESSAGE_BYTES_MAX,
} from '../common/limits.js';
import type { Logger } from '../common/log.js';
import type { RemotingCommand } from '../protocol/command.js';
import { LENGTH_PREFIX_BYTES } from '../protocol/frame.js';
import type { Channel, RequestHandler } from './channel.js';
import type { HttpRoute } from './ws-http.js';
import { type WsImplementationChoice, resolveWsImplementation } from './ws-native.js';
import { startNodeWsServer } from './ws-server-node.js';
import { WsServerCore } from './ws-server-core.js';
import { startUwsServer } from './ws-server-uws.js';

/**
 * The WebSocket remoting + HTTP server (DESIGN "Protocol": path `/remoting`, each binary
 * message one or more frames back to back, byte-for-byte the TCP frames). One interface, two
 * implementations: uWebSockets.js where its binary loads (Node 16/18/20), else node:http + ws.
 * `implementation: 'auto'` picks; one log line says which runs and why.
 *
 * Threads: with uWS, several worker threads may each start a WsServer on the same explicit
 * port (uWS binds with SO_REUSEPORT on Linux; the kernel spreads connections over them):
 * `sharesPort` is true. Port 0 is never shared (the kernel picks a new port per bind). The
 * node fallback runs ONE listener per port: start it in one thread only.
 */
export interface WsServerOptions {
  /** Interface to bind, e.g. '0.0.0.0' or '127.0.0.1'. */
  host: string;
  /** 0 picks a free port (which then cannot be shared by other threads). */
  port: number;
  /** WebSocket path, default '/remoting'. */
  path?: string;
  handler: RequestHandler;
  /** remoting.log */
  logger: Logger;
  /** Largest WebSocket message accepted; at least one max frame. Default WS_MESSAGE_BYTES_MAX. */
  maxPayloadBytes?: number;
  /** Close connections with no message either way for this long; 0 or 8..960 (uWS's range). Default 120. */
  idleTimeoutSeconds?: number;
  httpRoutes?: readonly HttpRoute[];
  /** Config key `wsImplementation`. Default 'auto'. */
  implementation?: WsImplementationChoice;
  /** Bytes queued for a peer that does not read before its connection is dropped. */
  sendQueueBytesMax?: number;
  frameBytesMax?: number;
  inFlightPerConnectionMax?: number;
  coalesceBytesMax?: number;
  /** See DispatcherOptions.lazyExtCodes. */
  lazyExtCodes?: ReadonlySet<number>;
}

export interface WsServer {
  readonly implementation: 'uws' | 'node';
  /** The bound port. */
  readonly port: number;
  /** True when other threads may listen on this port too (uWS, explicit port). */
  readonly sharesPort: boolean;
  /** Open WebSocket channels (a snapshot). */
  readonly channels: Channel[];
  /** Server-initiated request over a client's channel; resolves with the client's response. */
  invoke(channel: Channel, command: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  /** Server-initiated oneway request (flag bit 1): no response expected. */
  invokeOneway(channel: Channel, command: RemotingCommand): void;
  /** Stops listening and closes every connection; with uWS, call it before process.exit. */
  close(): Promise<void>;
}

/** Everything an implementation needs, defaults applied and validated. */
export interface ResolvedWsServerOptions {
  host: string;
  port: number;
  path: string;
  maxPayloadBytes: number;
  idleTimeoutSeconds: number;
  httpRoutes: readonly HttpRoute[];
  logger: Logger;
}

export const WS_PATH_DEFAULT = '/remoting';
export const WS_IDLE_TIMEOUT_SECONDS_DEFAULT = 120;

/** Starts the server; rejects with ERR_REMOTING_LISTEN (port taken, uWS forced but missing). */
export async function startWsServer(options: WsServerOptions): Promise<WsServer> {
  const resolved = resolveOptions(options);
  const implementation = resolveWsImplementation(options.implementation ?? 'auto');
  if (implementation.kind === 'error') {
    throw new PetrelError(ErrorCode.ERR_REMOTING_LISTEN, implementation.reason);
  }
  const core = new WsServerCore(options.handler, options.logger, {
    frameBytesMax: options.frameBytesMax ?? FRAME_BYTES_MAX,
    sendQueueBytesMax: options.sendQueueBytesMax ?? SOCKET_WRITE_QUEUE_BYTES_MAX,
    inFlightPerConnectionMax: options.inFlightPerConnectionMax ?? SERVER_IN_FLIGHT_PER_CONNECTION_MAX,
    coalesceBytesMax: options.coalesceBytesMax ?? WS_COALESCE_BYTES_MAX,
  }, options.lazyExtCodes);
  const server = implementation.kind === 'uws'
    ? await startUwsServer(implementation.uws, core, resolved)
    : await startNodeWsServer(core, resolved);
  options.logger.info(
    { implementation: server.implementation, reason: implementation.reason, host: resolved.host, port: server.port },
    server.implementation === 'uws'
      ? 'WebSocket/HTTP server uses uWebSockets.js'
      : 'WebSocket/HTTP server uses the node:http + ws fallback (one listener per port)',
  );
  return server;
}

function resolveOptions(options: WsServerOptions): ResolvedWsServerOptions {
  const maxPayloadBytes = options.maxPayloadBytes ?? WS_MESSAGE_BYTES_MAX;
  const frameBytesMax = options.frameBytesMax ?? FRAME_BYTES_MAX;
  if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < frameBytesMax + LENGTH_PREFIX_BYTES) {
    throw invalid(`maxPayloadBytes ${maxPayloadBytes} must hold one max frame (${frameBytesMax + LENGTH_PREFIX_BYTES} bytes)`);
  }
  const idleTimeoutSeconds = options.idleTimeoutSeconds ?? WS_IDLE_TIMEOUT_SECONDS_DEFAULT;
  // uWS terminates the process on an idle timeout in 1..7 or above 960: refuse those here.
  const idleValid = idleTimeoutSeconds === 0 || (idleTimeoutSeconds >= 8 && idleTimeoutSeconds <= 960);
  if (!Number.isInteger(idleTimeoutSeconds) || !idleValid) {
    throw invalid(`idleTimeoutSeconds ${idleTimeoutSeconds} must be 0 or an integer in 8..960`);
  }
  const path = options.path ?? WS_PATH_DEFAULT;
  if (!path.startsWith('/')) throw invalid(`path ${path} must start with '/'`);
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw invalid(`port ${options.port} out of range`);
  }
  return {
    host: options.host, port: options.port, path, maxPayloadBytes, idleTimeoutSeconds,
    httpRoutes: options.httpRoutes ?? [], logger: options.logger,
  };
}

function invalid(message: string): PetrelError {
  return new PetrelError(ErrorCode.ERR_CONFIG_INVALID_VALUE, message);
}
