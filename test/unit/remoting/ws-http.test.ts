// Proves the HTTP routing shared by both WsServer implementations: exact and prefix paths, 405
// with Allow for a known path and wrong method, 426 for a plain request to the WebSocket path, a
// throwing handler becoming a 500, URL and header helpers, and uWS's IP text forms normalized.
// How: answerHttpRequest and the helpers called directly with hand-built requests.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/common/log.js';
import {
  type HttpRequest, type HttpRoute, answerHttpRequest, declaredBodyBytes, matchRoute, normalizeIp,
  splitUrl, statusLine,
} from '../../../src/remoting/ws-http.js';

const routes: HttpRoute[] = [
  { method: 'GET', path: '/metrics', handler: () => ({ status: 200, body: 'm' }) },
  { method: 'POST', path: '/api/*', handler: (request) => ({ status: 201, body: request.path }) },
  { method: '*', path: '/any', handler: (request) => ({ status: 200, body: request.method }) },
  { method: 'GET', path: '/boom', handler: () => Promise.reject(new Error('no')) },
];

function request(method: string, path: string): HttpRequest {
  return { method, path, query: '', headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1' };
}

describe('ws-http', () => {
  it('routes by method and path, with prefix patterns', async () => {
    expect((await answerHttpRequest(routes, request('GET', '/metrics'), '/remoting', silentLogger)).body).toBe('m');
    expect(await answerHttpRequest(routes, request('POST', '/api/topics/x'), '/remoting', silentLogger))
      .toEqual({ status: 201, body: '/api/topics/x' });
    expect((await answerHttpRequest(routes, request('PUT', '/any'), '/remoting', silentLogger)).body).toBe('PUT');
    expect(matchRoute(routes, 'POST', '/api').kind).toBe('found');
    expect(matchRoute(routes, 'POST', '/apix').kind).toBe('not-found');
  });

  it('answers 404, 405 with Allow, 426 on the WebSocket path and 500 for a throwing handler', async () => {
    expect((await answerHttpRequest(routes, request('GET', '/none'), '/remoting', silentLogger)).status).toBe(404);
    const wrongMethod = await answerHttpRequest(routes, request('POST', '/metrics'), '/remoting', silentLogger);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers).toEqual({ allow: 'GET' });
    expect((await answerHttpRequest(routes, request('GET', '/remoting'), '/remoting', silentLogger)).status).toBe(426);
    expect((await answerHttpRequest(routes, request('GET', '/boom'), '/remoting', silentLogger)).status).toBe(500);
  });

  it('splits URLs, reads declared body sizes and formats status lines', () => {
    expect(splitUrl('/a/b?x=1&y=2')).toEqual({ path: '/a/b', query: 'x=1&y=2' });
    expect(splitUrl('/a')).toEqual({ path: '/a', query: '' });
    expect(declaredBodyBytes({ 'content-length': '12' })).toBe(12);
    expect(declaredBodyBytes({})).toBe(0);
    expect(declaredBodyBytes({ 'content-length': 'junk' })).toBe(0);
    expect(declaredBodyBytes({ 'transfer-encoding': 'chunked' })).toBe('chunked');
    expect(statusLine(404)).toBe('404 Not Found');
    expect(statusLine(299)).toBe('299 Status');
  });

  it('normalizes IPv4-mapped IPv6 text to dotted IPv4', () => {
    expect(normalizeIp('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });
});
