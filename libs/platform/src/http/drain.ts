import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';

const draining = new WeakSet<FastifyInstance>();

/** True once this server has started draining (shutdown): /health/ready then answers 503. */
export function isDraining(fastify: FastifyInstance): boolean {
  return draining.has(fastify);
}

/**
 * Marks the server as draining (readiness fails from now on), stops accepting connections,
 * and resolves once every connection has ended. In order:
 *
 * - the listener closes: a new connection is refused before anything was sent on it, which
 *   a load balancer (nginx `proxy_next_upstream error`) passes to another replica, POSTs too;
 * - idle keep-alive connections are closed at once (Node's `server.close()` does);
 * - requests in flight, and any that still arrive on a connection that was busy, are served
 *   normally (every dependency is still up: the application's own shutdown hooks run only
 *   after this resolves), and each answer carries `Connection: close`, so the client (or the
 *   gateway) never reuses that connection and it ends with its answer.
 *
 * Answering such a late request rather than refusing it with 503 is what keeps a rolling
 * restart invisible to clients: nginx never passes a POST it has sent on to another replica,
 * so a 503 here would reach the client.
 */
export function drainConnections(fastify: FastifyInstance): Promise<void> {
  draining.add(fastify);
  const server = fastify.server as Server;
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    // The error is ERR_SERVER_NOT_RUNNING only (not listening: nothing to wait for).
    server.close(() => resolve());
  });
}

/**
 * While draining, every answer ends its connection (`Connection: close`), and a connection
 * whose answer had begun before the drain (so could not carry the header) is closed once it
 * is idle, since Node only closes idle connections when `close()` is called.
 */
export function installDrainGuard(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (draining.has(fastify) && request.raw.httpVersionMajor === 1) {
      reply.header('connection', 'close');
    }
    done(null, payload);
  });
  fastify.addHook('onResponse', (_request, _reply, done) => {
    if (draining.has(fastify)) {
      setImmediate(() => (fastify.server as Server).closeIdleConnections());
    }
    done();
  });
}
