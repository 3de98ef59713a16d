// What the gateway checks at the edge, before a request may reach a service: the request
// target it will route on, bodies on methods that have none, client errors and how many
// connections one address may hold.
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Methods whose requests carry no body: one sent anyway could be read as a second request. */
export const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);

/** The `{ code, message }` body of every answer the gateway gives itself (docs/api.md). */
export const errorBody = (code: string, message: string) => JSON.stringify({ code, message });

/** True when a request declares a body: Transfer-Encoding of any kind, or a length above 0. */
export function declaresBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The request target, read once and the same way the services' router and the URL parser of
 * the proxy client will read it: WHATWG parsing removes `.` and `..` segments (`%2e` too) and
 * turns `\` into `/`. `decoded` is what routing and the internal-route block look at; `path`
 * (normalised, still encoded) is what goes upstream, so the service sees what was checked.
 * Targets that another parser could read differently (not origin-form, bad escapes, encoded
 * dot segments, backslashes or NUL after decoding) are refused: undefined.
 */
/** What a request asks for: see requestTarget. */
export interface RequestTarget {
  path: string;
  search: string;
  decoded: string;
}

export function requestTarget(rawUrl: string | undefined): RequestTarget | undefined {
  if (typeof rawUrl !== 'string' || !rawUrl.startsWith('/')) return undefined;
  let url: URL;
  let decoded: string;
  try {
    url = new URL(`http://gateway${rawUrl}`);
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (/(^|\/)\.\.?(\/|$)|\\|\0/.test(decoded)) return undefined;
  return { path: url.pathname, search: url.search, decoded: decoded.replace(/\/{2,}/g, '/') };
}

/** Service-to-service routes (the revocation snapshot): matched as nginx's `location /auth/internal`. */
export const isInternal = (decoded: string) => decoded.toLowerCase().startsWith('/auth/internal');

/** The client's address; an IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d. */
export const clientAddress = (socket: Socket) =>
  socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';

/** Hop-by-hop headers: they concern one connection, never the next one. */
const HOP_BY_HOP = [
  ...['connection', 'keep-alive', 'proxy-connection'],
  ...['transfer-encoding', 'upgrade', 'trailer', 'te'],
];

/** What only this gateway may say about the client, and what undici will not send (Expect). */
const NOT_FROM_CLIENTS = [
  ...['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port'],
  ...['x-real-ip', 'proxy-authorization', 'expect'],
];

export function withoutHopByHop<T extends object>(headers: T): T {
  const kept: Record<string, unknown> = { ...(headers as Record<string, unknown>) };
  HOP_BY_HOP.forEach((name) => delete kept[name]);
  return kept as T;
}

/**
 * The headers a service gets: the client's, less hop-by-hop ones and any claim about where the
 * request came from, since this gateway is the edge and believes no one before it. Host goes
 * on unchanged: the services compare it with Origin (CSRF protection).
 */
export function upstreamHeaders(
  incoming: IncomingMessage,
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const kept: Record<string, unknown> = { ...withoutHopByHop(headers) };
  NOT_FROM_CLIENTS.forEach((name) => delete kept[name]);
  return {
    ...(kept as IncomingHttpHeaders),
    host: incoming.headers.host ?? headers.host,
    'x-forwarded-for': clientAddress(incoming.socket),
    'x-forwarded-proto': 'http',
  };
}

/**
 * Closing a connection while its client is still sending a body makes the kernel reset it, and
 * the reset can destroy the answer before the client reads it (a 413 that never arrives). So,
 * like nginx's lingering close, the gateway ends its side, goes on reading (and dropping) what
 * arrives, and lets go of the socket when the client closes or `ms` later.
 */
export function lingerOnClose(socket: Socket, ms = 5000): void {
  (socket as Socket & { destroySoon(): void }).destroySoon = function endThenDestroyLater(
    this: Socket,
  ) {
    this.end();
    setTimeout(() => this.destroy(), ms).unref();
  };
}

function rawAnswer(status: number, code: string, message: string, extra = ''): string {
  const body = errorBody(code, message);
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`
  );
}

/**
 * Node's parser refused the request (malformed, Content-Length with Transfer-Encoding, headers
 * too large) or the client took too long to send it: answer in the API's envelope and close.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 408
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : 400;
  const message =
    status === 408 ? 'The request took too long to arrive' : 'The request could not be read';
  if (socket.writable) socket.write(rawAnswer(status, 'validation_failed', message));
  socket.destroy();
}

/**
 * At most `max` open connections per client address, so that one client cannot take every
 * socket, or every body buffer, of the gateway. No maintained plugin does this: Fastify's
 * rate limiters count requests per time window, not open connections, and Node's
 * `maxConnections` is one limit for everyone. So a counter, kept on connection and close.
 * A connection over the limit is answered 429 and ended here, before Node's HTTP parser starts
 * on it; a request it had already sent is still parsed, and the `onRequest` hook drops it
 * unanswered (an ended socket). The socket is destroyed a second later at most.
 */
export function limitConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  const refusal = rawAnswer(
    429,
    'rate_limited',
    'Too many connections from this address',
    'Retry-After: 1\r\n',
  );
  server.prependListener('connection', (socket: Socket) => {
    const address = clientAddress(socket);
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.end(refusal);
      // A client that keeps its side open does not keep the socket.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
