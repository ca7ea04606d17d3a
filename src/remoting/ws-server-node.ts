import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { ErrorCode, PetrelError } from '../common/errors.js';
import { HTTP_BODY_BYTES_MAX } from '../common/limits.js';
import { type HttpReply, answerHttpRequest, normalizeIp, splitUrl, textReply } from './ws-http.js';
import type { ResolvedWsServerOptions, WsServer } from './ws-server.js';
import type { WsServerCore, WsSocketAdapter } from './ws-server-core.js';
import type { SinkSendResult } from './ws-send-queue.js';

/**
 * node:http + ws implementation of WsServer, for where uWS cannot load (Node 22+, other
 * platforms) or when `wsImplementation=node`. Same sessions, same HTTP request abstraction. It
 * runs ONE listener per port (Node cannot share a listening port between threads), so the
 * broker starts it in one I/O thread only. Backpressure: after a send, a socket that wants
 * `drain` counts as "buffered" and the queue resumes on the socket's drain event.
 */

const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_REASON_BYTES_MAX = 120;
/** On close(), peers get this long to answer the close handshake before their sockets are destroyed. */
const CLOSE_GRACE_MS = 1000;

class NodeSocketAdapter implements WsSocketAdapter {
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    readonly remoteAddress: string,
    readonly localAddress: string,
  ) {}

  trySend(message: Buffer): SinkSendResult {
    if (this.ws.readyState !== this.ws.OPEN) return 'dropped';
    this.ws.send(message, { binary: true, compress: false });
    return this.socket.writableNeedDrain ? 'buffered' : 'sent';
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  batch(work: () => void): void {
    work();
  }

  end(reason: string, force: boolean): void {
    if (this.ws.readyState === this.ws.CLOSED) return;
    if (force || this.ws.readyState !== this.ws.OPEN) {
      this.ws.terminate();
      return;
    }
    const reasonBytes = Buffer.from(reason).subarray(0, CLOSE_REASON_BYTES_MAX).toString().replace(/\uFFFD+$/, '');
    this.ws.close(CLOSE_POLICY_VIOLATION, reasonBytes);
  }
}

class NodeWsServer implements WsServer {
  readonly implementation = 'node' as const;
  readonly sharesPort = false;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly core: WsServerCore,
    private readonly sockets: Set<WebSocket>,
    readonly port: number,
  ) {}

  get channels(): WsServer['channels'] {
    return this.core.channels;
  }

  invoke(...args: Parameters<WsServer['invoke']>): ReturnType<WsServer['invoke']> {
    return this.core.invoke(...args);
  }

  invokeOneway(...args: Parameters<WsServer['invokeOneway']>): void {
    this.core.invokeOneway(...args);
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.core.closeAll('server closing');
      this.wss.close();
      this.http.closeAllConnections();
      if (this.sockets.size > 0) {
        setTimeout(() => {
          for (const ws of this.sockets) ws.terminate();
        }, CLOSE_GRACE_MS).unref();
      }
    });
    return this.closing;
  }
}

export function startNodeWsServer(core: WsServerCore, options: ResolvedWsServerOptions): Promise<WsServer> {
  const wss = new WebSocketServer({
    noServer: true, maxPayload: options.maxPayloadBytes, perMessageDeflate: false, clientTracking: false,
  });
  const http = createServer((req, res) => serveHttp(req, res, options));
  const sockets = new Set<WebSocket>();
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (splitUrl(req.url ?? '/').path !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.once('close', () => sockets.delete(ws));
      openConnection(core, ws, socket, options);
    });
  });
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => {
      reject(new PetrelError(ErrorCode.ERR_REMOTING_LISTEN,
        `cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error }));
    };
    http.once('error', failed);
    http.listen(options.port, options.host, () => {
      http.off('error', failed);
      http.on('error', (error) => options.logger.error({ err: error }, 'ws server socket error'));
      const address = http.address();
      const port = address !== null && typeof address === 'object' ? address.port : options.port;
      resolve(new NodeWsServer(http, wss, core, sockets, port));
    });
  });
}

function openConnection(core: WsServerCore, ws: WebSocket, socket: Socket, options: ResolvedWsServerOptions): void {
  socket.setNoDelay(true);
  const remoteAddress = `${normalizeIp(socket.remoteAddress ?? '')}:${socket.remotePort ?? 0}`;
  const localAddress = `${normalizeIp(socket.localAddress ?? '')}:${socket.localPort ?? 0}`;
  const session = core.open(new NodeSocketAdapter(ws, socket, remoteAddress, localAddress));
  ws.on('message', (data: Buffer, isBinary: boolean) => session.message(data, isBinary));
  ws.on('close', (code: number) => core.closed(session, `peer closed (code ${code})`));
  ws.on('error', (error: Error) => {
    options.logger.warn({ channel: session.channel.id, err: error }, 'ws connection error');
    session.channel.abort(`ws error: ${error.message}`);
  });
  socket.on('drain', () => session.queue.onDrain());
  if (options.idleTimeoutSeconds > 0) {
    socket.setTimeout(options.idleTimeoutSeconds * 1000, () => {
      session.channel.close(`idle for ${options.idleTimeoutSeconds} s`);
    });
  }
}

function serveHttp(req: IncomingMessage, res: ServerResponse, options: ResolvedWsServerOptions): void {
  const chunks: Buffer[] = [];
  let bodyBytes = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    bodyBytes += chunk.length;
    if (bodyBytes > HTTP_BODY_BYTES_MAX) {
      refused = true;
      writeReply(res, textReply(413, 'payload too large'), true);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const { path, query } = splitUrl(req.url ?? '/');
    const request = {
      method: (req.method ?? 'GET').toUpperCase(), path, query, headers: flattenHeaders(req),
      body: Buffer.concat(chunks, bodyBytes),
      remoteAddress: normalizeIp(req.socket.remoteAddress ?? ''),
    };
    void answerHttpRequest(options.httpRoutes, request, options.path, options.logger)
      .then((reply) => writeReply(res, reply, false));
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function writeReply(res: ServerResponse, reply: HttpReply, closeConnection: boolean): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    if (name.toLowerCase() !== 'content-length') res.setHeader(name, value);
  }
  if (closeConnection) res.setHeader('connection', 'close');
  const body = reply.body ?? '';
  res.setHeader('content-length', Buffer.byteLength(body));
  res.writeHead(reply.status);
  res.end(body);
}
