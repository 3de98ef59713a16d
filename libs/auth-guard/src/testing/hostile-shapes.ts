import { randomBytes, randomUUID } from 'node:crypto';
import { b64url, es256Compact, invalid, segment, validToken } from './hostile-jws';
import type { CorpusContext, HostileToken } from './hostile-jws';

/** Not a compact JWS at all: other serializations, segment counts and encodings. */
export function malformed(ctx: CorpusContext): HostileToken[] {
  const token = validToken(ctx);
  const [header, payload, signature] = token.split('.');
  const jweHeader = segment({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: ctx.signer.kid });
  const dirHeader = segment({ alg: 'dir', enc: 'A256GCM', kid: ctx.signer.kid });
  const random = (bytes: number) => b64url(randomBytes(bytes));
  return [
    invalid('one segment', header),
    invalid('two segments', `${header}.${payload}`),
    invalid('four segments', `${token}.${signature}`),
    invalid('a single dot', '.'),
    invalid('only dots', '...'),
    invalid('empty header segment', `.${payload}.${signature}`),
    invalid('empty payload segment', `${header}..${signature}`),
    invalid(
      'JWE-shaped 5 segments (RSA-OAEP)',
      `${jweHeader}.${random(256)}.${random(12)}.${random(64)}.${random(16)}`,
    ),
    invalid(
      'JWE-shaped 5 segments (dir, empty key)',
      `${dirHeader}..${random(12)}.${random(64)}.${random(16)}`,
    ),
    invalid(
      'JWS JSON serialization (flattened)',
      JSON.stringify({ protected: header, payload, signature }),
    ),
    invalid(
      'JWS JSON serialization (general)',
      JSON.stringify({ payload, signatures: [{ protected: header, signature }] }),
    ),
    invalid(
      'standard base64 alphabet (+ and /)',
      `${header}.${payload}.${signature.slice(0, -2)}+/`,
    ),
    invalid('base64 padding on the header', `${header}==.${payload}.${signature}`),
    invalid(
      'percent-encoded segments',
      `${header}.${payload.replace(/^ey/, '%65%79')}.${signature}`,
    ),
    invalid('whitespace inside the token', `${header}. ${payload}.${signature}`),
    invalid('token in double quotes', `"${token}"`),
    invalid('two tokens separated by a comma', `${token},${token}`),
    invalid('refresh-token-shaped string', `${randomUUID()}.0.${b64url(randomBytes(32))}`),
  ];
}

/** Segments that decode to something other than a JSON object, signed by the real key. */
export function undecodable(ctx: CorpusContext): HostileToken[] {
  const key = ctx.signer.privateKey;
  const header = segment(ctx.header);
  const payload = segment(ctx.claims);
  // Overlong UTF-8 (0xc1 0x85 for 'E', 0xc0 0xaf for '/'): a lenient decoder reads ES256 and
  // the real issuer; a correct one sees replacement characters.
  const overlongAlg = replaceWithBytes(JSON.stringify(ctx.header), 'E', [0xc1, 0x85]);
  const overlongIss = replaceWithBytes(JSON.stringify(ctx.claims), '/', [0xc0, 0xaf]);
  const rawHeader = (text: string) => es256Compact(b64url(text), payload, key);
  const rawPayload = (text: string | Buffer) => es256Compact(header, b64url(text), key);
  return [
    invalid('header is not JSON', rawHeader('alg=ES256')),
    invalid('header is JSON null', rawHeader('null')),
    invalid('header is a JSON array', rawHeader('["ES256","at+jwt"]')),
    invalid('header is a JSON string', rawHeader('"ES256"')),
    invalid('header is a JSON number', rawHeader('256')),
    invalid('header with a UTF-8 BOM', rawHeader(`\ufeff${JSON.stringify(ctx.header)}`)),
    invalid(
      'header with invalid UTF-8 (overlong alg)',
      es256Compact(b64url(overlongAlg), payload, key),
    ),
    invalid('payload is not JSON', rawPayload('sub=admin')),
    invalid('payload is JSON null', rawPayload('null')),
    invalid('payload is a JSON array', rawPayload(JSON.stringify([ctx.claims]))),
    invalid('payload is a JSON string', rawPayload(JSON.stringify(JSON.stringify(ctx.claims)))),
    invalid('payload is a JSON number', rawPayload('1')),
    invalid('payload with invalid UTF-8 (overlong iss)', rawPayload(overlongIss)),
    // The same bytes where no rule reads them: only a strict decoder refuses these.
    ...invalidUtf8Anywhere(ctx, rawPayload),
    invalid('payload hiding claims behind __proto__', rawPayload(protoPayload(ctx))),
  ];
}

/** Tokens larger than any header a server should accept. */
export function oversized(ctx: CorpusContext): HostileToken[] {
  const big = (bytes: number) =>
    ctx.signer.raw(ctx.header, { ...ctx.claims, pad: 'x'.repeat(bytes) });
  return [
    { ...invalid('9 kB token', big(9 * 1024)), expectStatus: 431 },
    { ...invalid('24 kB token', big(24 * 1024)), expectStatus: 431 },
  ];
}

function protoPayload(ctx: CorpusContext): string {
  const { role, ...rest } = ctx.claims;
  return `${JSON.stringify(rest).slice(0, -1)},"__proto__":{"role":${JSON.stringify(role)}}}`;
}

/** `text` as UTF-8 with the first `search` replaced by raw bytes. */
function replaceWithBytes(text: string, search: string, bytes: number[]): Buffer {
  const at = text.indexOf(search);
  return Buffer.concat([
    Buffer.from(text.slice(0, at)),
    Buffer.from(bytes),
    Buffer.from(text.slice(at + search.length)),
  ]);
}

/**
 * Signed payloads whose only fault is invalid UTF-8 inside a claim no rule compares (an
 * extra `note`): a lenient decoder turns the bytes into U+FFFD and accepts the token.
 */
function invalidUtf8Anywhere(
  ctx: CorpusContext,
  rawPayload: (bytes: Buffer) => string,
): HostileToken[] {
  const text = JSON.stringify({ ...ctx.claims, note: 'a/b' });
  return [
    ['overlong /, C0 AF', [0xc0, 0xaf]],
    ['lone continuation byte', [0x80]],
    ['encoded surrogate, ED A0 80', [0xed, 0xa0, 0x80]],
    ['truncated sequence', [0xe2, 0x82]],
  ].map(([what, bytes]) =>
    invalid(
      `payload with invalid UTF-8 in an unchecked claim (${String(what)})`,
      rawPayload(replaceWithBytes(text, 'a/b', bytes as number[])),
    ),
  );
}
