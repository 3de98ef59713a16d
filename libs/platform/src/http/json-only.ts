import type { FastifyInstance } from 'fastify';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Every API body is JSON. Nest's Fastify adapter also parses form bodies, which would let a
 * cross-site HTML form reach a handler without a CORS preflight: a body of any other type
 * is refused up front with 415 `unsupported_media_type`. The exception is `formPaths`
 * (exact paths, POST only): OAuth's token endpoint is form-encoded by RFC 6749, and it takes
 * no cookie, so a cross-site form gains nothing there.
 */
export function installJsonOnly(fastify: FastifyInstance, formPaths: readonly string[] = []): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (SAFE.has(request.method)) return done();
    const length = request.headers['content-length'];
    const hasBody =
      (length !== undefined && length !== '0') ||
      request.headers['transfer-encoding'] !== undefined;
    const type = request.headers['content-type'];
    if (!hasBody || (typeof type === 'string' && JSON_TYPE.test(type))) return done();
    const form =
      request.method === 'POST' &&
      typeof type === 'string' &&
      FORM_TYPE.test(type) &&
      formPaths.includes(request.url.split('?')[0]);
    if (form) return done();
    reply
      .code(415)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ code: 'unsupported_media_type', message: 'Send the body as application/json' });
  });
}
