/**
 * The platform ceiling: plain node:http answering the same small JSON as every bench route,
 * with no framework, no headers beyond the necessary. Every other figure reads as a ratio of it.
 */
import http from 'node:http';

const body = JSON.stringify({ ok: true });
const length = String(Buffer.byteLength(body));

const server = http.createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': length,
  });
  response.end(body);
});
// The same keep-alive behaviour Fastify has by default (72 s), so connections are never recycled mid-run.
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HTTP_HOST ?? '127.0.0.1');

process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
