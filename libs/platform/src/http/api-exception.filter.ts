import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, ERROR_CODES } from './api-error';
import type { ErrorBody, ErrorCode } from './api-error';
import { frameworkAnswer } from './framework-errors';

const KNOWN_CODES = new Set<string>(ERROR_CODES);

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

// Errors that mean a dependency (PostgreSQL, Redis) is unreachable, not that the request was bad:
// socket-level errno codes, and PostgreSQL's "connection exception" (08xxx) and
// "operator intervention" (57Pxx: shutdown, cannot connect now) classes. node-postgres says
// "Query read timeout" when a server stopped answering a query (its client-side query_timeout).
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection is closed|connect ECONNREFUSED/i;

export function isDependencyUnavailable(error: unknown): boolean {
  // Duck-typed: errors from another realm (Node's net module seen from a test VM) fail instanceof.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string')
    return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_ERRNO.has(code) || /^(08|57P)/.test(code))) {
    return true;
  }
  if (UNAVAILABLE_MESSAGE.test((error as Error).message)) return true;
  const cause = (error as Error).cause;
  return cause !== undefined && cause !== error && isDependencyUnavailable(cause);
}

/**
 * Turns every error into the `{ code, message }` envelope of docs/api.md. Client mistakes keep
 * their 4xx status; a dependency being down becomes 503 `unavailable`; anything else is a
 * 500 `internal_error` whose cause goes to the log, never to the client.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = this.toResponse(exception);
    if (status >= 500) {
      const request = host.switchToHttp().getRequest<{ method?: string; url?: string }>();
      const entry = {
        status,
        code: body.code,
        method: request.method,
        path: request.url?.split('?')[0],
      };
      if (exception instanceof HttpException) {
        // A deliberate answer (a dependency is down): its cause is worth a line, not a stack.
        const cause = exception.cause instanceof Error ? exception.cause.message : undefined;
        this.logger.warn({ msg: 'request refused', ...entry, cause });
      } else {
        this.logger.error({ msg: 'request failed', ...entry, error: describe(exception) });
      }
    }
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(status).send(body);
  }

  private toResponse(exception: unknown): {
    status: number;
    body: ErrorBody;
    headers: Record<string, string>;
  } {
    if (exception instanceof ApiError) {
      return {
        status: exception.getStatus(),
        body: exception.getResponse() as ErrorBody,
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: fromHttpException(exception), headers: {} };
    }
    // Errors Fastify raises before routing: body too large, bad JSON, unknown content type.
    const framework = frameworkAnswer(exception);
    if (framework) return { ...framework, headers: {} };
    if (isDependencyUnavailable(exception)) {
      return {
        status: 503,
        body: { code: 'unavailable', message: 'A dependency is unavailable; try again shortly' },
        headers: { 'retry-after': '2' },
      };
    }
    return {
      status: 500,
      body: { code: 'internal_error', message: 'Internal error' },
      headers: {},
    };
  }
}

function fromHttpException(exception: HttpException): ErrorBody {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null) {
    const { code, message, details } = response as Partial<ErrorBody>;
    if (typeof code === 'string' && KNOWN_CODES.has(code) && typeof message === 'string') {
      return details
        ? { code: code as ErrorCode, message, details }
        : { code: code as ErrorCode, message };
    }
  }
  const status = exception.getStatus();
  // Nest's built-in CSRF protection (app.enableCsrfProtection) rejects with a plain 403.
  if (status === 403 && /^Cross-origin request detected/.test(exception.message)) {
    return { code: 'csrf_rejected', message: 'Cross-site request refused' };
  }
  const code: ErrorCode =
    CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
  return { code, message: status === 404 ? 'Not found' : exception.message };
}

function describe(exception: unknown): Record<string, unknown> {
  if (!(exception instanceof Error)) return { value: String(exception) };
  return { name: exception.name, message: exception.message, stack: exception.stack };
}
