import { createHash, sign, verify } from 'node:crypto';
import { generatePrivateJwk, parseSigningKeys, thumbprint } from './private-jwks';

type Jwk = Record<string, string>;
const withoutD = ({ d: _d, ...rest }: Jwk) => rest;

describe('thumbprint', () => {
  it('is the RFC 7638 SHA-256 thumbprint: the required members in lexicographic order', () => {
    const jwk = { crv: 'P-256', x: 'abc', y: 'def' };
    const canonical = '{"crv":"P-256","kty":"EC","x":"abc","y":"def"}';
    expect(thumbprint(jwk)).toBe(createHash('sha256').update(canonical).digest('base64url'));
  });

  it('ignores every other member', () => {
    const key = generatePrivateJwk();
    expect(thumbprint(withoutD(key) as Jwk & { crv: string; x: string; y: string })).toBe(
      thumbprint({ crv: key.crv, x: key.x, y: key.y }),
    );
  });
});

describe('generatePrivateJwk', () => {
  it('makes a P-256 private JWK whose kid is its thumbprint', () => {
    const key = generatePrivateJwk();
    expect(key).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      d: expect.any(String),
      kid: thumbprint({ crv: key.crv, x: key.x, y: key.y }),
      alg: 'ES256',
      use: 'sig',
    });
    expect(generatePrivateJwk().kid).not.toBe(key.kid);
  });
});

describe('parseSigningKeys', () => {
  const [a, b, c] = [generatePrivateJwk(), generatePrivateJwk(), generatePrivateJwk()];

  it('signs with the first key and publishes every key, in order, without private parts', () => {
    const set = parseSigningKeys({ keys: [a, b, withoutD(c)] }, 'test');
    expect(set.signing.kid).toBe(a.kid);
    expect(set.published.map((k) => k.jwk)).toEqual(
      [a, b, c].map((k) => ({ ...withoutD(k), use: 'sig' })),
    );
    for (const key of set.published) expect(key.jwk).not.toHaveProperty('d');
  });

  it('gives a signing key that the first published key verifies', () => {
    const set = parseSigningKeys({ keys: [a, b] }, 'test');
    const data = Buffer.from('payload');
    const signature = sign('sha256', data, set.signing.privateKey);
    expect(verify('sha256', data, set.published[0].publicKey, signature)).toBe(true);
    expect(verify('sha256', data, set.published[1].publicKey, signature)).toBe(false);
  });

  it('accepts keys without alg or use, and any kid an operator chose', () => {
    const { alg: _alg, use: _use, ...bare } = a;
    const set = parseSigningKeys({ keys: [{ ...bare, kid: '2026-01' }] }, 'test');
    expect(set.published[0].jwk).toMatchObject({ kid: '2026-01', alg: 'ES256', use: 'sig' });
  });

  it.each([
    ['not an object', null, /JSON Web Key Set/],
    ['no keys member', {}, /JSON Web Key Set/],
    ['an empty key list', { keys: [] }, /JSON Web Key Set/],
    ['a first key without "d"', { keys: [withoutD(a)] }, /first key signs.*"d"/],
    ['an RSA key', { keys: [{ ...a, kty: 'RSA' }] }, /key 1 is not an EC P-256 key/],
    ['a P-384 key', { keys: [a, { ...b, crv: 'P-384' }] }, /key 2 is not an EC P-256 key/],
    ['another alg', { keys: [{ ...a, alg: 'HS256' }] }, /key 1 has alg HS256/],
    ['a missing kid', { keys: [a, { ...b, kid: undefined }] }, /key 2 needs a kid/],
    ['an empty kid', { keys: [{ ...a, kid: '' }] }, /key 1 needs a kid/],
    ['a repeated kid', { keys: [a, { ...b, kid: a.kid }] }, /key 2 repeats kid/],
  ])('refuses %s, naming the source', (_label, document, message) => {
    expect(() => parseSigningKeys(document, '/etc/keys.json')).toThrow(message);
    expect(() => parseSigningKeys(document, '/etc/keys.json')).toThrow('/etc/keys.json');
  });

  it('refuses a point that is not on the curve', () => {
    expect(() => parseSigningKeys({ keys: [{ ...a, y: b.y }] }, 'test')).toThrow();
  });

  it('refuses a signing key whose private part belongs to another key', () => {
    // Otherwise every token would be signed by a key nobody can verify.
    expect(() => parseSigningKeys({ keys: [{ ...a, d: b.d }] }, '/etc/keys.json')).toThrow(
      /\/etc\/keys.json: key 1 .*"d".* does not match/,
    );
  });
});
