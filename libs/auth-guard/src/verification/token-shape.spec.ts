import { AuthError } from '../errors';
import { parseSegment, readToken } from './token-shape';

const MAX = 4096;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));
const SIG = b64(Buffer.alloc(64, 7));
const PAYLOAD = json({ sub: 'someone' });
const GOOD_HEADER = { alg: 'ES256', typ: 'at+jwt', kid: 'key-1' };

const token = (header: unknown, signature = SIG) => `${json(header)}.${PAYLOAD}.${signature}`;

function refusal(input: string): string {
  try {
    readToken(input, MAX);
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

describe('readToken: the header', () => {
  it('returns alg, typ and kid of a well-formed access token', () => {
    expect(readToken(token(GOOD_HEADER), MAX).header).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: 'key-1',
    });
  });

  it.each(['AT+JWT', 'application/at+jwt', 'Application/AT+JWT'])(
    'accepts typ %s (media types are case-insensitive)',
    (typ) => {
      expect(refusal(token({ ...GOOD_HEADER, typ }))).toBe('accepted');
    },
  );

  it.each(['none', 'None', 'NONE', 'nOnE', 'HS256', 'RS256', 'PS256', 'ES384', 'es256', 'EdDSA'])(
    'refuses alg %s',
    (alg) => {
      expect(refusal(token({ ...GOOD_HEADER, alg }))).toBe('invalid_token');
    },
  );

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 1],
    ['null', null],
    ['an array', ['key-1']],
    ['an object', { id: 'key-1' }],
    ['129 characters long', 'k'.repeat(129)],
  ])('refuses a kid that is %s', (_name, kid) => {
    expect(refusal(token({ ...GOOD_HEADER, kid }))).toBe('invalid_token');
  });

  it('accepts a kid of 128 characters (the lookup decides whether it is known)', () => {
    expect(refusal(token({ ...GOOD_HEADER, kid: 'k'.repeat(128) }))).toBe('accepted');
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['JWT', 'JWT'],
    ['jwt', 'jwt'],
    ['application/jwt', 'application/jwt'],
    ['at+jwt with a trailing space', 'at+jwt '],
    ['a number', 1],
  ])('refuses typ %s', (_name, typ) => {
    expect(refusal(token({ ...GOOD_HEADER, typ }))).toBe('invalid_token');
  });

  it.each<[string, unknown]>([
    ['crit', ['exp']],
    ['jku', 'http://127.0.0.1:1/jwks.json'],
    ['jwk', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }],
    ['x5u', 'http://127.0.0.1:1/cert.pem'],
    ['x5c', ['MIIB']],
    ['x5t', 'abc'],
    ['b64', false],
    ['zip', 'DEF'],
    ['cty', 'JWT'],
    ['enc', 'A256GCM'],
    ['__proto__', { alg: 'ES256' }],
  ])('refuses a %s header parameter', (name, value) => {
    const header = JSON.parse(JSON.stringify(GOOD_HEADER)) as Record<string, unknown>;
    Object.defineProperty(header, name, { value, enumerable: true });
    expect(refusal(token(header))).toBe('invalid_token');
  });

  it.each<[string, string]>([
    ['one segment', json(GOOD_HEADER)],
    ['two segments', `${json(GOOD_HEADER)}.${PAYLOAD}`],
    ['an empty signature', `${json(GOOD_HEADER)}.${PAYLOAD}.`],
    ['an empty payload', `${json(GOOD_HEADER)}..${SIG}`],
    ['four segments', `${token(GOOD_HEADER)}.${SIG}`],
    ['five segments (JWE)', `${json(GOOD_HEADER)}.a.b.c.${SIG}`],
    ['only dots', '..'],
    ['the empty string', ''],
  ])('refuses %s', (_name, input) => {
    expect(refusal(input)).toBe('invalid_token');
  });

  it.each<[string, string]>([
    ['standard base64 characters', `${json(GOOD_HEADER)}.${PAYLOAD}+/.${SIG}`],
    ['padding', `${json(GOOD_HEADER)}==.${PAYLOAD}.${SIG}`],
    ['a space', `${json(GOOD_HEADER)}.${PAYLOAD} .${SIG}`],
    ['percent-encoding', `${json(GOOD_HEADER)}.%7B%7D.${SIG}`],
  ])('refuses segments with %s', (_name, input) => {
    expect(refusal(input)).toBe('invalid_token');
  });

  it.each<[string, string]>([
    ['not JSON', b64('not json')],
    ['JSON null', b64('null')],
    ['a JSON array', b64('["ES256"]')],
    ['a JSON string', b64('"ES256"')],
    ['a JSON number', b64('256')],
    ['invalid UTF-8', b64(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]))],
    ['a single base64url character', 'e'],
  ])('refuses a header that is %s', (_name, header) => {
    expect(refusal(`${header}.${PAYLOAD}.${SIG}`)).toBe('invalid_token');
  });

  it.each<[string, number]>([
    ['empty (0 bytes)', 0],
    ['truncated (63 bytes)', 63],
    ['one byte long (65 bytes)', 65],
    ['DER-sized (72 bytes)', 72],
    ['RS256-sized (256 bytes)', 256],
  ])('refuses a signature that is %s', (_name, bytes) => {
    const signature = bytes === 0 ? '' : b64(Buffer.alloc(bytes, 1));
    expect(refusal(token(GOOD_HEADER, signature))).toBe('invalid_token');
  });

  it('refuses a token longer than the maximum before parsing it', () => {
    const long = token({ ...GOOD_HEADER, pad: 'x'.repeat(5000) });
    expect(() => readToken(long, MAX)).toThrow(
      expect.objectContaining({ code: 'invalid_token', reason: 'token too long' }),
    );
  });
});

describe('readToken: headers already checked', () => {
  const other = (payload: unknown) => `${json(GOOD_HEADER)}.${json(payload)}.${SIG}`;

  it('hands out the header checked for an earlier token with the same header text', () => {
    const first = readToken(other({ sub: 'a' }), MAX);
    const second = readToken(other({ sub: 'b' }), MAX);
    expect(second.header).toBe(first.header);
    expect(Object.isFrozen(first.header)).toBe(true);
    expect(second.payloadText).toBe('{"sub":"b"}');
  });

  it('keeps each header apart and still refuses a bad one after many good ones', () => {
    for (let i = 0; i < 20; i += 1) {
      expect(readToken(token({ ...GOOD_HEADER, kid: `key-${i}` }), MAX).header.kid).toBe(
        `key-${i}`,
      );
    }
    expect(refusal(token({ ...GOOD_HEADER, alg: 'HS256' }))).toBe('invalid_token');
    expect(refusal(`${json(GOOD_HEADER)}.${b64(Buffer.from([0xc0, 0xaf]))}.${SIG}`)).toBe(
      'invalid_token',
    );
  });
});

describe('parseSegment', () => {
  it('decodes a base64url JSON object', () => {
    expect(parseSegment(json({ a: 1 }))).toEqual({ a: 1 });
  });

  it.each(['null', '[]', '1', '"x"', 'nope'])('returns undefined for %s', (text) => {
    expect(parseSegment(b64(text))).toBeUndefined();
  });
});

describe('strict UTF-8', () => {
  const bytes = (...parts: (string | number[])[]) =>
    b64(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))));

  it.each([
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['a lone continuation byte', [0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('refuses a payload with %s as invalid_token', (_what, raw) => {
    const payload = bytes('{"sub":"x","note":"', raw, '"}');
    expect(refusal(`${json(GOOD_HEADER)}.${payload}.${SIG}`)).toBe('invalid_token');
  });

  it('refuses a header with an overlong sequence, even inside a string', () => {
    const header = bytes('{"alg":"ES256","typ":"at+jwt","kid":"key-', [0xc0, 0xaf], '"}');
    expect(parseSegment(header)).toBeUndefined();
    expect(refusal(`${header}.${PAYLOAD}.${SIG}`)).toBe('invalid_token');
  });

  it('accepts valid multi-byte UTF-8', () => {
    const payload = json({ sub: 'x', note: 'Zoë ✓ 𝄞' });
    expect(refusal(`${json(GOOD_HEADER)}.${payload}.${SIG}`)).toBe('accepted');
    expect(parseSegment(json({ note: 'Zoë' }))).toEqual({ note: 'Zoë' });
  });
});
