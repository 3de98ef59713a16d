/**
 * The identity provider's JWKS endpoint for the passport-jwt + jwks-rsa peer: a local process
 * serving the public half of the run's RS256 key at /.well-known/jwks.json, as an IdP would.
 * jwks-rsa fetches it once and caches it; this server sees almost no traffic.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

const document = readFileSync(String(process.env.BENCH_JWKS_FILE), 'utf8');

const server = http.createServer((request, response) => {
  if (request.url !== '/.well-known/jwks.json') {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
  response.end(document);
});
server.listen(Number(process.env.PORT ?? 0), process.env.HTTP_HOST ?? '127.0.0.1');

process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
