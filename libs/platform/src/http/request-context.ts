import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const storage = new AsyncLocalStorage<{ requestId: string }>();

// Caller-controlled input: only an id that looks like one is reused.
const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** The incoming X-Request-Id when it is well-formed, a new UUID otherwise (Fastify's genReqId). */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** The id of the request being served, for logs and for calls to other services. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Every answer carries X-Request-Id, and everything that runs for a request (guards,
 * handlers, outgoing calls, log lines) can read it. The context is entered in preHandler:
 * after body parsing, whose stream events would otherwise run outside it.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    storage.run({ requestId: request.id }, done);
  });
}
