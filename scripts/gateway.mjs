#!/usr/bin/env node
// The one origin of `npm start`: serves the account page (apps/web/public) and passes the API
// prefixes on to the services, like the compose gateway (deploy/nginx/gateway.conf.template).
// One origin is what lets a browser keep its tokens in HttpOnly cookies for every service, and
// what makes the services' CSRF check (Sec-Fetch-Site / Origin against Host) see the page as
// same-origin. Bodies stream both ways; headers pass unchanged (every Set-Cookie included)
// except hop-by-hop ones, and X-Forwarded-For gains the client's address.
//
// Environment: GATEWAY_PORT (8080), GATEWAY_HOST (every interface), AUTH_UPSTREAM,
// CATALOG_UPSTREAM, ORDERS_UPSTREAM, BILLING_UPSTREAM (host:port, the default ports on
// 127.0.0.1, as in the nginx template) and WEB_ROOT (apps/web/public).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const env = process.env;
const port = Number(env.GATEWAY_PORT ?? 8080);
const webRoot = path.resolve(
  env.WEB_ROOT ?? path.join(import.meta.dirname, '..', 'apps', 'web', 'public'),
);
const upstream = (name, fallback) => {
  const [hostname, upstreamPort] = (env[name] ?? fallback).split(':');
  return { hostname, port: Number(upstreamPort) };
};

/** The same routing as the nginx template: by path prefix, `/orders` itself included. */
const ROUTES = [
  { prefix: '/auth/', to: upstream('AUTH_UPSTREAM', '127.0.0.1:3000') },
  { prefix: '/.well-known/', to: upstream('AUTH_UPSTREAM', '127.0.0.1:3000') },
  { prefix: '/catalog/', to: upstream('CATALOG_UPSTREAM', '127.0.0.1:3001') },
  { exact: '/orders', prefix: '/orders/', to: upstream('ORDERS_UPSTREAM', '127.0.0.1:3002') },
  { prefix: '/billing/', to: upstream('BILLING_UPSTREAM', '127.0.0.1:3003') },
];

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page loads nothing from elsewhere and may not be framed (same policy as nginx). */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function sendJson(res, status, code, message) {
  const body = JSON.stringify({ code, message });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function withoutHopByHop(headers) {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
  );
}

function proxy(req, res, to) {
  // An IPv4 client of the dual-stack socket shows as ::ffff:a.b.c.d: pass on the plain address.
  const client = req.socket.remoteAddress?.replace(/^::ffff:/, '');
  const forwardedFor = [req.headers['x-forwarded-for'], client].filter(Boolean).join(', ');
  const upstreamReq = http.request({
    ...to,
    agent,
    method: req.method,
    path: req.url,
    // Host goes on unchanged: the services compare it with Origin (CSRF protection).
    headers: {
      ...withoutHopByHop(req.headers),
      'x-forwarded-for': forwardedFor,
      'x-forwarded-proto': 'http',
    },
  });
  upstreamReq.setTimeout(30_000, () => upstreamReq.destroy(new Error('upstream timeout')));
  upstreamReq.on('response', (upstreamRes) => {
    res.writeHead(upstreamRes.statusCode ?? 502, withoutHopByHop(upstreamRes.headers));
    upstreamRes.pipe(res);
    upstreamRes.on('error', () => res.destroy());
  });
  upstreamReq.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 503, 'unavailable', 'The service behind this path is not reachable');
  });
  res.on('close', () => {
    if (!res.writableFinished) upstreamReq.destroy();
  });
  req.pipe(upstreamReq);
}

async function serveFile(req, res, pathname) {
  const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
  const file = path.join(webRoot, path.normalize(relative));
  const stats =
    (req.method === 'GET' || req.method === 'HEAD') && file.startsWith(webRoot + path.sep)
      ? await stat(file).catch(() => undefined)
      : undefined;
  if (!stats?.isFile()) return sendJson(res, 404, 'not_found', 'Not found');
  res.writeHead(200, {
    ...PAGE_HEADERS,
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': stats.size,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const server = http.createServer((req, res) => {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://gateway').pathname);
  } catch {
    return sendJson(res, 400, 'validation_failed', 'Malformed path');
  }
  if (pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return res.end('ok\n');
  }
  // Service-to-service routes (the revocation snapshot) are not for the outside world.
  if (pathname.startsWith('/auth/internal/') || pathname === '/auth/internal') {
    return sendJson(res, 404, 'not_found', 'Not found');
  }
  const route = ROUTES.find((r) => pathname === r.exact || pathname.startsWith(r.prefix));
  if (route) return proxy(req, res, route.to);
  serveFile(req, res, pathname).catch(() => res.destroy());
});

server.listen(port, env.GATEWAY_HOST || undefined, () => {
  process.stdout.write(`gateway listening on http://localhost:${port} (page: ${webRoot})\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    agent.destroy();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
