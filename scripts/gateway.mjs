#!/usr/bin/env node
// The one origin of `npm start`: serves the account page (apps/web/public) and passes the API
// prefixes on to the services, like the compose gateway (deploy/nginx/gateway.conf.template).
// One origin is what lets a browser keep its tokens in HttpOnly cookies for every service, and
// what makes the services' CSRF check (Sec-Fetch-Site / Origin against Host) see the page as
// same-origin.
//
// It is the edge, so it is built on maintained parts: Fastify (Node's HTTP parser, body limits,
// timeouts), @fastify/reply-from (undici upstream pools) and @fastify/static. A request body is
// read whole (up to GATEWAY_BODY_LIMIT) before an upstream connection is taken, and sent on
// with its own Content-Length, so neither a slow client nor a body framed one way for the
// gateway and another way for the service can reach past it (request smuggling); methods that
// carry no body are refused one. X-Forwarded-For is the connection's address only.
//
// Environment: GATEWAY_PORT (8080), GATEWAY_HOST (localhost: loopback only; 0.0.0.0 or :: to
// open it to the network), AUTH_UPSTREAM, CATALOG_UPSTREAM, ORDERS_UPSTREAM, BILLING_UPSTREAM
// (host:port, the default ports on 127.0.0.1, as in the nginx template), WEB_ROOT
// (apps/web/public), GATEWAY_BODY_LIMIT (bytes, 1 MiB), GATEWAY_REQUEST_TIMEOUT_MS (time a
// client has to send headers and body, 10 s) and GATEWAY_MAX_CONNECTIONS_PER_IP (64).
import path from 'node:path';
import replyFrom from '@fastify/reply-from';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import * as edge from './gateway/edge.mjs';

const env = process.env;
const positive = (name, fallback) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const config = {
  port: Number(env.GATEWAY_PORT ?? 8080),
  host: env.GATEWAY_HOST || 'localhost',
  webRoot: path.resolve(
    env.WEB_ROOT ?? path.join(import.meta.dirname, '..', 'apps', 'web', 'public'),
  ),
  bodyLimit: positive('GATEWAY_BODY_LIMIT', 1024 * 1024),
  requestTimeout: positive('GATEWAY_REQUEST_TIMEOUT_MS', 10_000),
  maxConnectionsPerIp: positive('GATEWAY_MAX_CONNECTIONS_PER_IP', 64),
};
const upstream = (name, fallback) => `http://${env[name] ?? fallback}`;

/** The same routing as the nginx template: by path prefix, `/orders` itself included. */
const ROUTES = [
  { prefix: '/auth/', to: upstream('AUTH_UPSTREAM', '127.0.0.1:3000') },
  { prefix: '/.well-known/', to: upstream('AUTH_UPSTREAM', '127.0.0.1:3000') },
  { prefix: '/catalog/', to: upstream('CATALOG_UPSTREAM', '127.0.0.1:3001') },
  { exact: '/orders', prefix: '/orders/', to: upstream('ORDERS_UPSTREAM', '127.0.0.1:3002') },
  { prefix: '/billing/', to: upstream('BILLING_UPSTREAM', '127.0.0.1:3003') },
];

/** The page loads nothing from elsewhere and may not be framed (same policy as nginx). */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The types nginx gives the page's files (the template's `types` block). */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const STATUS_CODES = {
  400: 'validation_failed',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

const fail = (reply, status, code, message) =>
  reply.code(status).type('application/json; charset=utf-8').send(edge.errorBody(code, message));

const app = Fastify({
  logger: false,
  bodyLimit: config.bodyLimit,
  requestTimeout: config.requestTimeout,
  // Headers get the same time as the whole request; checked every second, not Node's 30 s.
  http: {
    headersTimeout: config.requestTimeout,
    connectionsCheckingInterval: Math.min(1000, config.requestTimeout),
  },
  clientErrorHandler: edge.clientErrorHandler,
  frameworkErrors: (_error, _request, reply) =>
    fail(reply, 400, 'validation_failed', 'Malformed path'),
  exposeHeadRoutes: false,
});
edge.limitConnectionsPerAddress(app.server, config.maxConnectionsPerIp);

// Bodies are passed on as the bytes that came, whatever their type: the services judge them.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

await app.register(replyFrom, {
  // 64 connections per service, each opened only for a request whose body is complete.
  undici: { connections: 64, connectTimeout: 2_000, headersTimeout: 30_000, bodyTimeout: 30_000 },
  disableRequestLogging: true,
});
await app.register(fastifyStatic, {
  root: config.webRoot,
  serve: false,
  cacheControl: false,
  dotfiles: 'ignore',
  setHeaders: (reply, file) =>
    reply.headers({
      ...PAGE_HEADERS,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    }),
});

app.addHook('onRequest', async (request, reply) => {
  // A connection this gateway has ended (over the per-address limit, or closing after a
  // refusal) gets no more answers: a request still read from it is dropped.
  if (request.raw.socket.writableEnded) return reply.hijack();
  if (edge.BODYLESS.has(request.method) && edge.declaresBody(request.headers)) {
    reply.header('connection', 'close');
    return fail(reply, 400, 'validation_failed', `A ${request.method} request has no body`);
  }
});

// An answer given before the request's body has all arrived closes the connection gently.
app.addHook('onSend', async (request, reply) => {
  if (reply.getHeader('connection') === 'close' && !request.raw.complete) {
    edge.lingerOnClose(request.raw.socket);
  }
});

app.setNotFoundHandler((_request, reply) => fail(reply, 404, 'not_found', 'Not found'));
// Fastify's own refusals (body too large, bad media type, bad URL) keep their 4xx status.
app.setErrorHandler((error, _request, reply) => {
  if (!(error.statusCode >= 400 && error.statusCode < 500)) {
    process.stderr.write(`gateway: ${error.stack ?? String(error)}\n`);
    return fail(reply, 500, 'internal_error', 'Something went wrong');
  }
  fail(
    reply,
    error.statusCode,
    STATUS_CODES[error.statusCode] ?? 'validation_failed',
    error.message,
  );
});

function forward(request, reply, route, target) {
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  return reply.from(`${route.to}${target.path}${target.search}`, {
    body,
    contentType: body && (request.headers['content-type'] ?? 'application/octet-stream'),
    rewriteRequestHeaders: (_req, headers) => edge.upstreamHeaders(request.raw, headers),
    rewriteHeaders: edge.withoutHopByHop,
    // No retries (a gateway does not replay requests) and one answer for a service that is down.
    retryDelay: () => null,
    onError: (failed) =>
      fail(failed, 503, 'unavailable', 'The service behind this path is not reachable'),
  });
}

app.route({
  method: METHODS,
  url: '*',
  handler: (request, reply) => {
    const target = edge.requestTarget(request.raw.url);
    if (!target) return fail(reply, 400, 'validation_failed', 'Malformed path');
    const { decoded } = target;
    if (decoded === '/healthz') return reply.type('text/plain').send('ok\n');
    if (edge.isInternal(decoded)) return fail(reply, 404, 'not_found', 'Not found');
    const route = ROUTES.find((r) => decoded === r.exact || decoded.startsWith(r.prefix));
    if (route) return forward(request, reply, route, target);
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply.callNotFound();
    return reply.sendFile(decoded.endsWith('/') ? `${decoded}index.html` : decoded);
  },
});

await app.listen({ port: config.port, host: config.host });
process.stdout.write(
  `gateway listening on http://localhost:${config.port} (page: ${config.webRoot})\n`,
);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 2000).unref();
    void app.close().then(() => process.exit(0));
  });
}
