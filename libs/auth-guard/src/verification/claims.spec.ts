import { AuthError } from '../errors';
import { checkClaims } from './claims';
import type { ClaimRules } from './claims';

const NOW = 1_800_000_000;
const LEEWAY = 30;
const RULES: ClaimRules = {
  issuer: 'http://auth.test',
  audience: 'orders-service',
  leewaySeconds: LEEWAY,
  maxLifetimeSeconds: 900,
  nowSeconds: NOW,
};

function validPayload(): Record<string, unknown> {
  return {
    iss: 'http://auth.test',
    aud: ['catalog-service', 'orders-service'],
    sub: '0b8e6c1e-2f9e-4c8e-9a57-4b8f3e2d1c01',
    sid: '5f0c2a9b-7d4e-4c3a-8b1f-2e6d9a8c7b02',
    role: 'user',
    iat: NOW - 60,
    exp: NOW + 840,
    jti: 'a3c1e2d4-0000-4000-8000-000000000003',
  };
}

function codeOf(payload: Record<string, unknown>, rules: ClaimRules = RULES): string {
  try {
    checkClaims(payload, rules);
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

const without = (claim: string) => {
  const payload = validPayload();
  delete payload[claim];
  return payload;
};
const withClaims = (claims: Record<string, unknown>) => ({ ...validPayload(), ...claims });

describe('checkClaims', () => {
  it('returns the typed user for a valid payload', () => {
    expect(checkClaims(validPayload(), RULES)).toEqual({
      userId: '0b8e6c1e-2f9e-4c8e-9a57-4b8f3e2d1c01',
      sessionId: '5f0c2a9b-7d4e-4c3a-8b1f-2e6d9a8c7b02',
      role: 'user',
      audience: ['catalog-service', 'orders-service'],
      tokenId: 'a3c1e2d4-0000-4000-8000-000000000003',
      issuedAt: NOW - 60,
      expiresAt: NOW + 840,
    });
  });

  it('exposes an email_verified claim as emailVerified, and refuses one that is not a boolean', () => {
    expect(checkClaims(withClaims({ email_verified: true }), RULES).emailVerified).toBe(true);
    expect(checkClaims(withClaims({ email_verified: false }), RULES).emailVerified).toBe(false);
    expect(checkClaims(validPayload(), RULES)).not.toHaveProperty('emailVerified');
    expect(codeOf(withClaims({ email_verified: 'true' }))).toBe('invalid_token');
    expect(codeOf(withClaims({ email_verified: 1 }))).toBe('invalid_token');
  });

  it('exposes act.sub of an exchanged token as actor, and refuses any other act', () => {
    const exchanged = {
      ...validPayload(),
      aud: ['orders-service'],
      act: { sub: 'billing-service' },
    };
    expect(checkClaims(exchanged, RULES).actor).toBe('billing-service');
    expect(checkClaims(validPayload(), RULES)).not.toHaveProperty('actor');
    for (const act of [
      'billing-service',
      {},
      { sub: 1 },
      [],
      null,
      { sub: 'a', act: { sub: 'b' } },
    ]) {
      expect(codeOf({ ...validPayload(), act })).toBe('invalid_token');
    }
  });

  it('lists a single string audience as a one-element list', () => {
    expect(checkClaims(withClaims({ aud: 'orders-service' }), RULES).audience).toEqual([
      'orders-service',
    ]);
  });

  it.each(['iss', 'aud', 'sub', 'sid', 'role', 'iat', 'exp', 'jti'])(
    'refuses a token without %s as invalid_token',
    (claim) => {
      expect(codeOf(without(claim))).toBe('invalid_token');
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['another issuer', { iss: 'http://auth.evil' }],
    ['an issuer differing in case', { iss: 'HTTP://AUTH.TEST' }],
    ['a sibling service audience only', { aud: ['billing-service'] }],
    ['a sibling audience as a string', { aud: 'catalog-service' }],
    ['an empty audience list', { aud: [] }],
    ['an audience object', { aud: { 0: 'orders-service' } }],
    ['an audience that only contains ours as a substring', { aud: ['orders-service-v2'] }],
    ['a numeric sub', { sub: 42 }],
    ['an empty sub', { sub: '' }],
    ['an overlong sub', { sub: 'x'.repeat(65) }],
    ['a numeric sid', { sid: 7 }],
    ['an empty sid', { sid: '' }],
    ['a null jti', { jti: null }],
    ['role superadmin', { role: 'superadmin' }],
    ['role Admin (wrong case)', { role: 'Admin' }],
    ['role as an array', { role: ['admin'] }],
    ['a string iat', { iat: String(NOW) }],
    ['a negative iat', { iat: -1 }],
    ['a string exp', { exp: String(NOW + 100) }],
    ['an infinite exp', { exp: Number.POSITIVE_INFINITY }],
    ['a NaN exp', { exp: Number.NaN }],
    ['a string nbf', { nbf: String(NOW) }],
    ['a null nbf', { nbf: null }],
    ['iat beyond the leeway in the future', { iat: NOW + LEEWAY + 1, exp: NOW + 600 }],
    ['nbf beyond the leeway ahead', { nbf: NOW + LEEWAY + 1 }],
    ['exp - iat beyond the maximum lifetime', { iat: NOW - 10, exp: NOW - 10 + 901 }],
    ['exp equal to iat', { iat: NOW - 10, exp: NOW - 10 }],
    ['exp before iat', { iat: NOW - 10, exp: NOW - 20 }],
    ['an absurd exp', { exp: 1e300 }],
  ])('refuses %s as invalid_token', (_name, claims) => {
    expect(codeOf(withClaims(claims))).toBe('invalid_token');
  });

  it.each<[string, Record<string, unknown>]>([
    ['our audience as a string', { aud: 'orders-service' }],
    ['our audience alone in an array', { aud: ['orders-service'] }],
    ['the admin role', { role: 'admin' }],
    ['iat just inside the leeway in the future', { iat: NOW + LEEWAY - 1, exp: NOW + 600 }],
    ['nbf just inside the leeway', { nbf: NOW + LEEWAY - 1 }],
    ['exactly the maximum lifetime', { iat: NOW - 10, exp: NOW - 10 + 900 }],
  ])('accepts %s', (_name, claims) => {
    expect(codeOf(withClaims(claims))).toBe('accepted');
  });

  it('reports token_expired once exp + leeway + 1 s has passed', () => {
    const payload = withClaims({ iat: NOW - 900, exp: NOW - LEEWAY - 1 });
    expect(codeOf(payload)).toBe('token_expired');
  });

  it('still accepts a token expired by leeway - 1 s', () => {
    const payload = withClaims({ iat: NOW - 900, exp: NOW - LEEWAY + 1 });
    expect(codeOf(payload)).toBe('accepted');
  });

  it('applies no leeway at all when the leeway is 0', () => {
    const payload = withClaims({ iat: NOW - 900, exp: NOW });
    expect(codeOf(payload, { ...RULES, leewaySeconds: 0 })).toBe('token_expired');
    expect(codeOf(withClaims({ exp: NOW + 1 }), { ...RULES, leewaySeconds: 0 })).toBe('accepted');
  });

  it('refuses a payload that is not an object as invalid_token', () => {
    expect(codeOf(null as unknown as Record<string, unknown>)).toBe('invalid_token');
    expect(codeOf('{"iss":1}' as unknown as Record<string, unknown>)).toBe('invalid_token');
  });
});
