import type { FastifyInstance } from 'fastify';

const draining = new WeakSet<FastifyInstance>();

/** From now on, new requests on this server are refused while those in flight finish. */
export function startDraining(fastify: FastifyInstance): void {
  draining.add(fastify);
}

/**
 * During shutdown, a request that still arrives (on a keep-alive connection, or before the
 * listener closed) is answered 503 `unavailable` with `Connection: close`, so the client or
 * the load balancer retries elsewhere; requests already in flight run to completion.
 */
export function installDrainGuard(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!draining.has(fastify)) return done();
    reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .send({ code: 'unavailable', message: 'This instance is shutting down; retry' });
  });
}
