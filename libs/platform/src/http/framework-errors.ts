import type { ErrorBody, ErrorCode } from './api-error';

/** What a refusal raised by Fastify or Node's HTTP parser becomes for the client. */
export interface FrameworkAnswer {
  status: number;
  body: ErrorBody;
}

interface Refusal {
  code: ErrorCode;
  message: string;
  /** The part of the request at fault, for the `details` of `validation_failed`. */
  field?: '(url)' | '(body)' | '(headers)';
}

/**
 * Every refusal Fastify (or Node's HTTP parser) makes before a handler runs, by status. The
 * messages are fixed texts: Fastify's own messages quote the request (the URL of a 414 or a
 * bad URL, a snippet of a malformed body), and an error answer must never echo input.
 *
 * 408, 414 and 431 have no code of their own in the contract's closed set; they are requests
 * that failed a limit on their shape, so they are `validation_failed` with an honest HTTP
 * status, and `details` name the part of the request at fault. Only the body limit (413) and
 * a body that is not JSON (415) have the transport codes docs/api.md lists.
 */
const BY_STATUS: Record<number, Refusal> = {
  400: { code: 'validation_failed', message: 'Malformed request' },
  404: { code: 'not_found', message: 'Not found' },
  405: { code: 'not_found', message: 'Not found' },
  408: { code: 'validation_failed', message: 'The request was not received in time' },
  413: { code: 'payload_too_large', message: 'Request body is too large' },
  414: { code: 'validation_failed', message: 'The URL is too long', field: '(url)' },
  415: { code: 'unsupported_media_type', message: 'Send the body as application/json' },
  431: { code: 'validation_failed', message: 'Request headers are too large', field: '(headers)' },
};

/** Fastify error codes (FST_ERR_*) that say more precisely what was wrong with a 400. */
const BY_FASTIFY_CODE: Record<string, Refusal> = {
  FST_ERR_BAD_URL: { code: 'validation_failed', message: 'The URL is malformed', field: '(url)' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'validation_failed',
    message: 'Request body is not valid JSON',
    field: '(body)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'validation_failed',
    message: 'Request body is empty',
    field: '(body)',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'validation_failed',
    message: 'Content-Length does not match the body',
    field: '(headers)',
  },
};

/**
 * The `{ code, message }` answer for a framework error (an object with a 4xx `statusCode`),
 * or undefined when the error is not a client mistake Fastify recognised.
 */
export function frameworkAnswer(error: unknown): FrameworkAnswer | undefined {
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const refusal =
    (typeof code === 'string' && statusCode === 400 ? BY_FASTIFY_CODE[code] : undefined) ??
    BY_STATUS[statusCode] ??
    BY_STATUS[400];
  return { status: statusCode, body: toBody(refusal) };
}

function toBody({ code, message, field }: Refusal): ErrorBody {
  if (code !== 'validation_failed') return { code, message };
  return { code, message, details: [{ field: field ?? '(request)', problems: [message] }] };
}

/**
 * A raw HTTP answer for errors Node's parser raises on the socket (Fastify's
 * `clientErrorHandler`): header overflow (431), a request not received in time (408),
 * anything unparseable (400). No route, no hooks: the connection is closed after it.
 */
export function rawClientErrorResponse(errorCode: string | undefined): string {
  const status =
    errorCode === 'HPE_HEADER_OVERFLOW'
      ? 431
      : errorCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const { body } = frameworkAnswer({ statusCode: status }) as FrameworkAnswer;
  const json = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    'X-Content-Type-Options: nosniff\r\n' +
    'Connection: close\r\n' +
    `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`
  );
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
