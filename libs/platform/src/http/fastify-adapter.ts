import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { HttpConfig } from '../config/common-config';
import { frameworkAnswer, rawClientErrorResponse } from './framework-errors';
import { requestIdFrom } from './request-context';

type SecurityHook = Parameters<FastifyAdapter['registerSecurityHook']>[0];

/**
 * Nest's Fastify adapter, with Fastify's own refusals routed into the `{ code, message }`
 * envelope. Fastify's router answers a malformed URL (400) and an over-long route parameter
 * (414) before any hook, route or error handler exists for the request: through
 * `frameworkErrors`, whose default (Nest's) hands them to a context that still has
 * Fastify's default error handler, which answers Fastify's shape and quotes the URL. Node's
 * HTTP parser refuses oversized headers (431) and malformed requests on the socket, through
 * `clientErrorHandler`. Both now answer the platform's envelope and never echo input.
 */
export class PlatformFastifyAdapter extends FastifyAdapter {
  private readonly errorLog = new Logger('Errors');
  private headersHook?: SecurityHook;

  constructor(http: HttpConfig) {
    const self: { adapter?: PlatformFastifyAdapter } = {};
    super({
      bodyLimit: http.bodyLimitBytes,
      trustProxy: http.trustProxy === false ? false : http.trustProxy,
      // Said explicitly rather than left to defaults: a JSON body with a `__proto__` key or
      // a `constructor.prototype` path is refused, never merged into an object.
      onProtoPoisoning: 'error',
      onConstructorPoisoning: 'error',
      // Draining is ours (drain.ts): late requests on busy connections are served, not refused.
      return503OnClosing: false,
      routerOptions: { maxParamLength: 256 },
      // Requests that never finish must not pin a connection (slowloris).
      requestTimeout: 30_000,
      genReqId: (request: { headers: Record<string, unknown> }) =>
        requestIdFrom(request.headers['x-request-id']),
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
        self.adapter?.answerFrameworkError(error, request, reply),
      clientErrorHandler: answerClientError,
    });
    self.adapter = this;
  }

  /** Kept so that framework refusals carry the same security headers as every answer. */
  override registerSecurityHook(hook: SecurityHook): void {
    this.headersHook = hook;
    super.registerSecurityHook(hook);
  }

  private answerFrameworkError(
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    try {
      // Only for its headers: the request is refused whatever the hook says.
      this.headersHook?.(request, reply.raw);
    } catch {
      // `request.params` and `request.query` are null here; a hook that reads them may throw.
    }
    const answer = frameworkAnswer(error) ?? {
      status: 500,
      body: { code: 'internal_error', message: 'Internal error' },
    };
    if (answer.status >= 500) {
      this.errorLog.error({ msg: 'request failed', status: answer.status, error: error.code });
    }
    reply.header('x-request-id', request.id).code(answer.status).send(answer.body);
  }
}

/** Fastify's default, with the platform's envelope: see rawClientErrorResponse. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(rawClientErrorResponse(error.code));
  socket.destroy(error);
}

export function createFastifyAdapter(http: HttpConfig): FastifyAdapter {
  return new PlatformFastifyAdapter(http);
}
