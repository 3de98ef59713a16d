import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { ApiError } from './api-error';

/**
 * The deepest nesting of objects and arrays a request body may have. Every DTO of the
 * services is flat or one level deep; 32 leaves ample room and keeps class-transformer and
 * class-validator, which recurse once per level, far from the stack limit.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether `body` nests objects and arrays deeper than `maxDepth`, read in one pass over the
 * raw bytes, before anything is parsed: brackets inside strings do not count, and a
 * backslash skips the byte after it (so `\"` does not end a string). UTF-8 continuation
 * bytes are never below 0x80, so multi-byte characters cannot be mistaken for brackets. It
 * stops at the first level too deep, and it does not validate: JSON.parse does that next.
 */
export function exceedsJsonDepth(body: Uint8Array, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENERS.has(byte)) {
      if (++depth > maxDepth) return true;
    } else if (CLOSERS.has(byte)) {
      depth--;
    }
  }
  return false;
}

const tooDeep = () =>
  new ApiError(400, 'validation_failed', 'Request validation failed', {
    details: [
      {
        field: '(body)',
        problems: [`must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`],
      },
    ],
  });

/**
 * The parser of every `application/json` body. A deeply nested body (8,000 `[` fit in the
 * 16 kB limit) parses fine, but then overflows the stack of class-transformer in the
 * validation pipe: a 500 with a stack trace in the log, for several times the CPU of a
 * normal request. The depth is therefore checked on the raw bytes first, and a body too
 * deep is refused with 400 before JSON.parse, before any guard, throttle or handler.
 *
 * Parsing itself is Fastify's (secure-json-parse), told explicitly to refuse both
 * `__proto__` keys and `constructor.prototype` (prototype poisoning) rather than rely on
 * defaults. Its errors carry a fixed message and never quote the body.
 */
export function installJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    if (exceedsJsonDepth(body)) return done(tooDeep(), undefined);
    parse(request, body.toString('utf8'), done);
  });
}
