import type { Logger } from '../common/log.js';

/**
 * Plain HTTP routes served by the WebSocket server next to `/remoting` (GET /metrics, the JSON
 * admin API). Both implementations (uWS and node:http) build the same `HttpRequest` before the
 * handler runs: method, path, query, lower-cased headers and the whole body are read up front,
 * because uWS's request object dies when its callback returns.
 */
export interface HttpRequest {
  /** Upper-case method: 'GET', 'POST', ... */
  readonly method: string;
  /** Path without the query string, e.g. '/metrics'. */
  readonly path: string;
  /** Raw query string without '?', '' when absent. */
  readonly query: string;
  /** Header names lower-cased; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Peer IP (uWS does not report the peer port). */
  readonly remoteAddress: string;
}

export interface HttpReply {
  status: number;
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
}

export interface HttpRoute {
  /** 'GET', 'POST', ... or '*' for any method. */
  method: string;
  /** Exact path, or a prefix ending in '/*' (e.g. '/api/*'). */
  path: string;
  handler: (request: HttpRequest) => HttpReply | Promise<HttpReply>;
}

export type RouteMatch =
  | { kind: 'found'; route: HttpRoute }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    if (!pathMatches(route.path, path)) continue;
    if (route.method === '*' || route.method === method) return { kind: 'found', route };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('/*')) return path.startsWith(pattern.slice(0, -1)) || path === pattern.slice(0, -2);
  return pattern === path;
}

/**
 * Finds and runs the route; a throwing handler becomes a logged 500, never a crash. A plain
 * request for the WebSocket path gets 426 (Upgrade Required).
 */
export async function answerHttpRequest(
  routes: readonly HttpRoute[],
  request: HttpRequest,
  wsPath: string,
  logger: Logger,
): Promise<HttpReply> {
  const match = matchRoute(routes, request.method, request.path);
  switch (match.kind) {
    case 'not-found':
      if (request.path === wsPath) return textReply(426, 'WebSocket upgrade required');
      return textReply(404, 'not found');
    case 'method-not-allowed':
      return { status: 405, headers: { allow: match.allowed.join(', ') }, body: 'method not allowed' };
    case 'found':
      try {
        return await match.route.handler(request);
      } catch (error) {
        logger.warn({ err: error, path: request.path }, 'http route handler failed');
        return textReply(500, 'internal error');
      }
    default:
      return match satisfies never;
  }
}

export function textReply(status: number, text: string): HttpReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
}

/** Splits '/path?query' into its parts. */
export function splitUrl(url: string): { path: string; query: string } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: url, query: '' } : { path: url.slice(0, mark), query: url.slice(mark + 1) };
}

/** Declared body size: bytes, 'chunked' for a streamed body, 0 when none. */
export function declaredBodyBytes(headers: Readonly<Record<string, string>>): number | 'chunked' | 0 {
  if ((headers['transfer-encoding'] ?? '') !== '') return 'chunked';
  const length = Number(headers['content-length'] ?? '0');
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 404: 'Not Found',
  405: 'Method Not Allowed', 413: 'Payload Too Large', 426: 'Upgrade Required',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The status line text uWS wants ("200 OK"). */
export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? 'Status'}`;
}

/** Normalizes uWS's text forms of an IP ("::ffff:127.0.0.1", zero-padded IPv6 of a v4 peer). */
export function normalizeIp(text: string): string {
  const mapped = /^(?:0{0,4}:){5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(text);
  if (mapped !== null) {
    const high = parseInt(mapped[1] as string, 16);
    const low = parseInt(mapped[2] as string, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  if (text.startsWith('::ffff:') && text.includes('.')) return text.slice(7);
  return text;
}
