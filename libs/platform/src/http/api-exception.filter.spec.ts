import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { ApiError } from './api-error';
import { ApiExceptionFilter, isDependencyUnavailable } from './api-exception.filter';

/** Runs the filter on `exception`; returns what it sent. */
function answer(exception: unknown) {
  const sent = { status: 0, body: undefined as unknown, headers: {} as Record<string, string> };
  const reply = {
    header: (name: string, value: string) => (sent.headers[name] = value),
    status: (code: number) => {
      sent.status = code;
      return reply;
    },
    send: (body: unknown) => (sent.body = body),
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => reply,
      getRequest: () => ({ method: 'POST', url: '/auth/login?secret=1' }),
    }),
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

const errorWith = (props: Record<string, unknown>, message = 'boom') =>
  Object.assign(new Error(message), props);

describe('ApiExceptionFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends an ApiError as it is: status, { code, message, details } and headers', () => {
    const error = new ApiError(429, 'rate_limited', 'Slow down', {
      headers: { 'retry-after': '30' },
    });
    expect(answer(error)).toEqual({
      status: 429,
      body: { code: 'rate_limited', message: 'Slow down' },
      headers: { 'retry-after': '30' },
    });
    const invalid = new ApiError(400, 'validation_failed', 'Bad', { details: [{ field: 'a' }] });
    expect(answer(invalid).body).toEqual({
      code: 'validation_failed',
      message: 'Bad',
      details: [{ field: 'a' }],
    });
  });

  it('keeps a known code of any HttpException (e.g. the guard errors)', () => {
    const error = new HttpException({ code: 'token_expired', message: 'Expired', extra: 1 }, 401);
    expect(answer(error)).toMatchObject({
      status: 401,
      body: { code: 'token_expired', message: 'Expired' },
    });
  });

  it.each([
    [new BadRequestException('Validation failed (uuid is expected)'), 400, 'validation_failed'],
    [new NotFoundException('Cannot GET /x'), 404, 'not_found'],
    [new HttpException('Method Not Allowed', 405), 405, 'not_found'],
    [new HttpException('Too Many Requests', 429), 429, 'rate_limited'],
    [new InternalServerErrorException('db password is hunter2'), 500, 'internal_error'],
  ])('maps %p to %d %s', (exception, status, code) => {
    const sent = answer(exception);
    expect(sent.status).toBe(status);
    expect(sent.body).toMatchObject({ code, message: expect.any(String) });
  });

  it('does not leak the text of a plain 404 (it names the route)', () => {
    expect(answer(new NotFoundException('Cannot GET /secret')).body).toEqual({
      code: 'not_found',
      message: 'Not found',
    });
  });

  it("maps Nest's CSRF rejection to 403 csrf_rejected", () => {
    const error = new ForbiddenException('Cross-origin request detected from https://evil');
    expect(answer(error)).toMatchObject({ status: 403, body: { code: 'csrf_rejected' } });
  });

  it.each([
    [413, 'payload_too_large', 'Request body is too large'],
    [415, 'unsupported_media_type', 'Send the body as application/json'],
  ])('maps a framework error with statusCode %d to %s', (statusCode, code, message) => {
    const error = errorWith({ statusCode, code: 'FST_ERR' }, 'internal detail');
    expect(answer(error)).toEqual({ status: statusCode, body: { code, message }, headers: {} });
  });

  it('never echoes the text of a framework error, which may quote the URL or the body', () => {
    const error = errorWith({ statusCode: 400 }, `Unexpected token in "{"password": "hunter2"`);
    expect(answer(error).body).toEqual({
      code: 'validation_failed',
      message: 'Malformed request',
      details: [{ field: '(request)', problems: ['Malformed request'] }],
    });
    const badUrl = errorWith({ statusCode: 400, code: 'FST_ERR_BAD_URL' }, "'/x%E0' is not valid");
    expect(JSON.stringify(answer(badUrl).body)).not.toContain('/x%E0');
    const tooLong = errorWith({ statusCode: 414, code: 'FST_ERR_MAX_PARAM_LENGTH' }, "'/o/999'");
    expect(answer(tooLong)).toMatchObject({ status: 414, body: { code: 'validation_failed' } });
    expect(JSON.stringify(answer(tooLong).body)).not.toContain('999');
  });

  it.each([
    ['ECONNREFUSED', errorWith({ code: 'ECONNREFUSED' })],
    ['a PostgreSQL connection exception (08006)', errorWith({ code: '08006' })],
    ['a PostgreSQL shutdown (57P01)', errorWith({ code: '57P01' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a query the server never answered', new Error('Query read timeout')],
    ['a wrapped cause', new Error('query failed', { cause: errorWith({ code: 'ETIMEDOUT' }) })],
  ])('answers 503 unavailable with Retry-After for %s', (_label, error) => {
    expect(answer(error)).toEqual({
      status: 503,
      body: { code: 'unavailable', message: expect.any(String) },
      headers: { 'retry-after': '2' },
    });
    expect(logged).toHaveBeenCalled();
  });

  it('answers anything else with 500 internal_error, logging the cause but never sending it', () => {
    const sent = answer(new TypeError('cannot read secretValue of undefined'));
    expect(sent).toEqual({
      status: 500,
      body: { code: 'internal_error', message: 'Internal error' },
      headers: {},
    });
    const [entry] = logged.mock.calls[0] as [Record<string, unknown>];
    expect(entry).toMatchObject({ status: 500, method: 'POST', path: '/auth/login' });
    expect(JSON.stringify(entry)).toContain('secretValue');
  });

  it('answers a thrown non-error value with 500 internal_error', () => {
    expect(answer('just a string').status).toBe(500);
    expect(answer(errorWith({ statusCode: 502 })).status).toBe(500);
  });
});

describe('isDependencyUnavailable', () => {
  it('is false for ordinary errors, non-errors and query errors', () => {
    expect(isDependencyUnavailable(new Error('duplicate key'))).toBe(false);
    expect(isDependencyUnavailable(errorWith({ code: '23505' }))).toBe(false);
    expect(isDependencyUnavailable(undefined)).toBe(false);
  });

  it('stops on a cause that refers to itself', () => {
    const error = new Error('loop');
    (error as { cause?: unknown }).cause = error;
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});
