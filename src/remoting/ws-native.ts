import { createRequire } from 'node:module';

/**
 * Loads the uWebSockets.js native addon of `@trufflesuite/uws-js-unofficial` and decides which
 * WebSocket/HTTP implementation runs. The package's own entry point falls back silently (with a
 * console.warn) to a slow JS emulation when the binary does not load; we bypass it and load the
 * binary for this platform/ABI directly, so "cannot load" means our node:http + ws fallback.
 *
 * The npm build has binaries for Node 16/18/20 (ABI 93/108/115) on linux/darwin/win32 only.
 */

/** What `send`/`ping` return: 1 sent, 0 accepted but buffered (backpressure), 2 dropped. */
export type UwsSendStatus = 0 | 1 | 2;

/** The part of a uWS WebSocket we use (the package's typings say `boolean` where it is a number). */
export interface UwsWebSocket<UserData> {
  send(message: Uint8Array, isBinary: boolean, compress: boolean): UwsSendStatus;
  getBufferedAmount(): number;
  end(code?: number, shortMessage?: string): void;
  close(): void;
  cork(callback: () => void): void;
  getRemoteAddressAsText(): ArrayBuffer;
  getUserData(): UserData;
}

export interface UwsHttpRequest {
  getHeader(lowerCaseKey: string): string;
  getUrl(): string;
  getMethod(): string;
  getQuery(): string | undefined;
  forEach(callback: (key: string, value: string) => void): void;
}

export interface UwsHttpResponse {
  writeStatus(status: string): UwsHttpResponse;
  writeHeader(key: string, value: string): UwsHttpResponse;
  end(body?: Uint8Array | string, closeConnection?: boolean): UwsHttpResponse;
  onAborted(handler: () => void): UwsHttpResponse;
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): UwsHttpResponse;
  cork(callback: () => void): UwsHttpResponse;
  close(): UwsHttpResponse;
  getRemoteAddressAsText(): ArrayBuffer;
}

export interface UwsBehavior<UserData> {
  maxPayloadLength: number;
  idleTimeout: number;
  maxBackpressure: number;
  compression: number;
  sendPingsAutomatically: boolean;
  open: (ws: UwsWebSocket<UserData>) => void;
  message: (ws: UwsWebSocket<UserData>, message: ArrayBuffer, isBinary: boolean) => void;
  drain: (ws: UwsWebSocket<UserData>) => void;
  close: (ws: UwsWebSocket<UserData>, code: number, message: ArrayBuffer) => void;
}

export type UwsListenSocket = object;

export interface UwsApp {
  ws<UserData>(pattern: string, behavior: UwsBehavior<UserData>): UwsApp;
  any(pattern: string, handler: (res: UwsHttpResponse, req: UwsHttpRequest) => void): UwsApp;
  listen(host: string, port: number, callback: (listenSocket: UwsListenSocket | false) => void): UwsApp;
}

export interface UwsModule {
  App(): UwsApp;
  us_listen_socket_close(listenSocket: UwsListenSocket): void;
  us_socket_local_port(socket: UwsListenSocket): number;
  readonly DISABLED: number;
}

export type WsImplementationChoice = 'uws' | 'node' | 'auto';
export const WS_IMPLEMENTATION_CHOICES: readonly WsImplementationChoice[] = ['auto', 'uws', 'node'];

export type WsImplementation =
  | { kind: 'uws'; uws: UwsModule; reason: string }
  | { kind: 'node'; reason: string };

const UWS_PACKAGE = '@trufflesuite/uws-js-unofficial';

let cached: { uws: UwsModule } | { error: string } | null = null;

/** Loads the uWS binary once per thread; returns the error text when it cannot load. */
export function loadUws(): { uws: UwsModule } | { error: string } {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  try {
    const packageJson = require.resolve(`${UWS_PACKAGE}/package.json`);
    const loaded = require(packageJson.replace(/package\.json$/, `binaries/${binary}`)) as UwsModule;
    if (typeof loaded.App !== 'function') throw new Error(`${binary} has no App export`);
    cached = { uws: loaded };
  } catch (error) {
    cached = { error: `${binary}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  return cached;
}

/**
 * Picks the implementation for `choice`: `auto` takes uWS when it loads, else node:http + ws;
 * `uws` insists (returns an error when it cannot load); `node` always takes the fallback.
 */
export function resolveWsImplementation(choice: WsImplementationChoice): WsImplementation | { kind: 'error'; reason: string } {
  if (choice === 'node') return { kind: 'node', reason: 'wsImplementation=node' };
  const loaded = loadUws();
  if ('uws' in loaded) return { kind: 'uws', uws: loaded.uws, reason: `wsImplementation=${choice}` };
  if (choice === 'uws') return { kind: 'error', reason: `uWebSockets.js cannot load (${loaded.error})` };
  return { kind: 'node', reason: `uWebSockets.js cannot load on Node ${process.version} (${loaded.error})` };
}
