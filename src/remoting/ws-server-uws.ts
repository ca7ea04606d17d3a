import { ErrorCode, PetrelError } from '../common/errors.js';
import { HTTP_BODY_BYTES_MAX } from '../common/limits.js';
import type { HttpReply, HttpRequest } from './ws-http.js';
import {
  answerHttpRequest, declaredBodyBytes, normalizeIp, statusLine, textReply,
} from './ws-http.js';
import type {
  UwsHttpRequest, UwsHttpResponse, UwsListenSocket, UwsModule, UwsWebSocket,
} from './ws-native.js';
import type { ResolvedWsServerOptions, WsServer } from './ws-server.js';
import type { SinkSendResult } from './ws-send-queue.js';
import type { WsServerCore, WsSession, WsSocketAdapter } from './ws-server-core.js';

/**
 * uWebSockets.js implementation of WsServer. Sends follow `reference/uws-notes.md`'s safe
 * pattern: `compression: DISABLED` and every `send(message, true, compress=true)`, which makes
 * uWS take its copying path for messages of any size (the large-message path of this build
 * loses payloads and stalls in drain); the WsSendQueue stops at any status but 1, resends only
 * on 2 and resumes from `drain` through setImmediate. Received messages are copied out of
 * uWS's ArrayBuffer, which is neutered when the callback returns.
 */

/**
 * uWS's own backpressure bound: a send returns 2 (not taken) while more than this is buffered,
 * so uWS holds at most this plus one message per connection and the rest waits in our queue,
 * where it is counted against sendQueueBytesMax.
 */
const UWS_BACKPRESSURE_BYTES = 1024 * 1024;
/** WebSocket close reasons are limited to 123 bytes. */
const CLOSE_REASON_BYTES_MAX = 120;
const CLOSE_POLICY_VIOLATION = 1008;

interface UserData {
  session: WsSession | null;
  open: boolean;
}

class UwsSocketAdapter implements WsSocketAdapter {
  constructor(
    private readonly ws: UwsWebSocket<UserData>,
    private readonly data: UserData,
    readonly remoteAddress: string,
    readonly localAddress: string,
  ) {}

  trySend(message: Buffer): SinkSendResult {
    if (!this.data.open) return 'dropped';
    const status = this.ws.send(message, true, true);
    if (status === 1) return 'sent';
    return status === 0 ? 'buffered' : 'dropped';
  }

  bufferedBytes(): number {
    return this.data.open ? this.ws.getBufferedAmount() : 0;
  }

  batch(work: () => void): void {
    if (this.data.open) this.ws.cork(work);
    else work();
  }

  end(reason: string, force: boolean): void {
    if (!this.data.open) return;
    if (force) this.ws.close();
    else this.ws.end(CLOSE_POLICY_VIOLATION, truncateUtf8(reason, CLOSE_REASON_BYTES_MAX));
  }
}

class UwsWsServer implements WsServer {
  readonly implementation = 'uws' as const;
  private listenSocket: UwsListenSocket | null;

  constructor(
    private readonly uws: UwsModule,
    private readonly core: WsServerCore,
    listenSocket: UwsListenSocket,
    readonly port: number,
    readonly sharesPort: boolean,
  ) {
    this.listenSocket = listenSocket;
  }

  get channels(): WsServer['channels'] {
    return this.core.channels;
  }

  invoke(...args: Parameters<WsServer['invoke']>): ReturnType<WsServer['invoke']> {
    return this.core.invoke(...args);
  }

  invokeOneway(...args: Parameters<WsServer['invokeOneway']>): void {
    this.core.invokeOneway(...args);
  }

  async close(): Promise<void> {
    if (this.listenSocket === null) return;
    // Closing the listen socket is what lets the process exit: uWS aborts at exit otherwise.
    this.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
    this.core.closeAll('server closing');
  }
}

export function startUwsServer(
  uws: UwsModule,
  core: WsServerCore,
  options: ResolvedWsServerOptions,
): Promise<WsServer> {
  const app = uws.App();
  let localAddress = `${options.host}:${options.port}`;
  app.ws<UserData>(options.path, {
    maxPayloadLength: options.maxPayloadBytes,
    idleTimeout: options.idleTimeoutSeconds,
    maxBackpressure: UWS_BACKPRESSURE_BYTES,
    compression: uws.DISABLED,
    sendPingsAutomatically: false,
    open: (ws) => {
      const data = ws.getUserData();
      data.open = true;
      const remoteIp = normalizeIp(Buffer.from(ws.getRemoteAddressAsText()).toString());
      // This uWS build cannot tell the peer's port: the address is `ip:0`; the channel id is unique.
      data.session = core.open(new UwsSocketAdapter(ws, data, `${remoteIp}:0`, localAddress));
    },
    message: (ws, message, isBinary) => {
      ws.getUserData().session?.message(Buffer.from(message.slice(0)), isBinary);
    },
    drain: (ws) => {
      ws.getUserData().session?.queue.onDrain();
    },
    close: (ws, code) => {
      const data = ws.getUserData();
      data.open = false;
      if (data.session !== null) core.closed(data.session, `peer closed (code ${code})`);
    },
  });
  app.any('/*', (res, req) => serveHttp(res, req, options));
  return new Promise((resolve, reject) => {
    app.listen(options.host, options.port, (listenSocket) => {
      if (listenSocket === false) {
        reject(new PetrelError(ErrorCode.ERR_REMOTING_LISTEN,
          `uWebSockets.js cannot listen on ${options.host}:${options.port}`));
        return;
      }
      const port = uws.us_socket_local_port(listenSocket);
      localAddress = `${options.host}:${port}`;
      resolve(new UwsWsServer(uws, core, listenSocket, port, options.port !== 0));
    });
  });
}

/**
 * uWS HTTP: everything from `req` is read now (it is only valid during this callback), the body
 * is collected through onData (bounded), and the reply is written corked unless the client went
 * away meanwhile (onAborted).
 */
function serveHttp(res: UwsHttpResponse, req: UwsHttpRequest, options: ResolvedWsServerOptions): void {
  const headers: Record<string, string> = {};
  req.forEach((key, value) => {
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  });
  const base = {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    remoteAddress: normalizeIp(Buffer.from(res.getRemoteAddressAsText()).toString()),
  };
  const state = { done: false };
  res.onAborted(() => {
    state.done = true;
  });
  const declared = declaredBodyBytes(headers);
  if (declared === 0) {
    void runRoute(res, state, { ...base, body: Buffer.alloc(0) }, options);
    return;
  }
  if (declared !== 'chunked' && declared > HTTP_BODY_BYTES_MAX) {
    writeReply(res, state, textReply(413, 'payload too large'), true);
    return;
  }
  collectBody(res, state, (body) => {
    void runRoute(res, state, { ...base, body }, options);
  });
}

function collectBody(res: UwsHttpResponse, state: { done: boolean }, bodyDone: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let bodyBytes = 0;
  res.onData((chunk, isLast) => {
    if (state.done) return;
    bodyBytes += chunk.byteLength;
    if (bodyBytes > HTTP_BODY_BYTES_MAX) {
      writeReply(res, state, textReply(413, 'payload too large'), true);
      return;
    }
    chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) bodyDone(Buffer.concat(chunks, bodyBytes));
  });
}

async function runRoute(
  res: UwsHttpResponse,
  state: { done: boolean },
  request: HttpRequest,
  options: ResolvedWsServerOptions,
): Promise<void> {
  const reply = await answerHttpRequest(options.httpRoutes, request, options.path, options.logger);
  writeReply(res, state, reply, false);
}

function writeReply(res: UwsHttpResponse, state: { done: boolean }, reply: HttpReply, closeConnection: boolean): void {
  if (state.done) return;
  state.done = true;
  res.cork(() => {
    res.writeStatus(statusLine(reply.status));
    for (const [name, value] of Object.entries(reply.headers ?? {})) {
      if (name.toLowerCase() !== 'content-length') res.writeHeader(name, value);
    }
    res.end(reply.body ?? '', closeConnection);
  });
}

function truncateUtf8(text: string, bytesMax: number): string {
  const bytes = Buffer.from(text);
  return bytes.length <= bytesMax ? text : bytes.subarray(0, bytesMax).toString().replace(/\uFFFD+$/, '');
}
