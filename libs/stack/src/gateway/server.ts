// The one origin of `npm start`: serves the account page (apps/web/public) and passes the API
// prefixes on to the services, like the compose gateway (deploy/nginx/gateway.conf.template);
// both take their routes from the stack list (services.ts).
// One origin is what lets a browser keep its tokens in HttpOnly cookies for every service, and
// what makes the services' CSRF check (Sec-Fetch-Site / Origin against Host) see the page as
// same-origin.
//
// It is the edge, so it is built on maintained parts: Fastify (Node's HTTP parser, body limits,
// timeouts), @fastify/reply-from (undici upstream pools) and @fastify/static. A request body is
// read whole (up to bodyLimit) before an upstream connection is taken, and sent on with its
// own Content-Length, so neither a slow client nor a body framed one way for the gateway and
// another way for the service can reach past it (request smuggling); methods that carry no
// body are refused one. X-Forwarded-For is the connection's address only.
import path from 'node:path';
import replyFrom from '@fastify/reply-from';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as edge from './edge';
import { PAGE_PATHS, routeFor } from './routes';
import type { GatewayRoute } from './routes';

export interface GatewayConfig {
  webRoot: string;
  routes: GatewayRoute[];
  bodyLimit: number;
  requestTimeout: number;
  maxConnectionsPerIp: number;
}

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
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const STATUS_CODES: Record<number, string> = {
  400: 'validation_failed',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

const fail = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).type('application/json; charset=utf-8').send(edge.errorBody(code, message));

export async function createGateway(config: GatewayConfig): Promise<FastifyInstance> {
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
  addEdgeHooks(app);
  app.route({
    method: METHODS,
    url: '*',
    handler: (request, reply) => handle(config, request, reply),
  });
  return app;
}

function addEdgeHooks(app: FastifyInstance): void {
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
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (!(status >= 400 && status < 500)) {
      process.stderr.write(`gateway: ${error.stack ?? String(error)}\n`);
      return fail(reply, 500, 'internal_error', 'Something went wrong');
    }
    return fail(reply, status, STATUS_CODES[status] ?? 'validation_failed', error.message);
  });
}

function handle(config: GatewayConfig, request: FastifyRequest, reply: FastifyReply) {
  const target = edge.requestTarget(request.raw.url);
  if (!target) return fail(reply, 400, 'validation_failed', 'Malformed path');
  const { decoded } = target;
  if (decoded === '/healthz') return reply.type('text/plain').send('ok\n');
  if (edge.isInternal(decoded)) return fail(reply, 404, 'not_found', 'Not found');
  const route = routeFor(config.routes, decoded);
  if (route) return forward(request, reply, route, target);
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply.callNotFound();
  if (PAGE_PATHS.includes(decoded)) return reply.sendFile('/index.html');
  return reply.sendFile(decoded.endsWith('/') ? `${decoded}index.html` : decoded);
}

function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  route: GatewayRoute,
  target: edge.RequestTarget,
) {
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  return reply.from(`${route.to}${target.path}${target.search}`, {
    body,
    contentType: body && (request.headers['content-type'] ?? 'application/octet-stream'),
    rewriteRequestHeaders: (_req, headers) => edge.upstreamHeaders(request.raw, headers),
    rewriteHeaders: edge.withoutHopByHop,
    // No retries (a gateway does not replay requests) and one answer for a service that is down.
    retryDelay: () => null,
    // reply-from types this reply for any server (HTTP/2 too); it is this HTTP/1 one.
    onError: (failed) =>
      fail(
        failed as unknown as FastifyReply,
        503,
        'unavailable',
        'The service behind this path is not reachable',
      ),
  });
}
