import type { AuthUser } from './auth-user';
import { stepUpCheck } from './step-up';
import { checkClaims } from './verification/claims';

const NOW_S = 1_800_000_000;
const user = (extra: Partial<AuthUser>): AuthUser => ({
  userId: 'u',
  sessionId: 's',
  role: 'user',
  audience: ['billing-service'],
  tokenId: 'j',
  issuedAt: NOW_S - 10,
  expiresAt: NOW_S + 890,
  ...extra,
});
const check = (u: AuthUser, aal2: 'always' | 'when_enrolled' | null, maxAge: number | null) =>
  stepUpCheck(u, aal2, maxAge, NOW_S * 1000);

describe('stepUpCheck', () => {
  it('refuses an aal1 token where aal2 is always required, with acr_values in the challenge', () => {
    const refusal = check(user({ aal: 'aal1', authTime: NOW_S }), 'always', null);
    expect(refusal?.code).toBe('insufficient_user_authentication');
    expect(refusal?.getStatus()).toBe(401);
    expect(refusal?.challenge).toMatch(
      /^Bearer error="insufficient_user_authentication", .*acr_values="aal2"$/,
    );
  });

  it('refuses a token without aal (issued before multi-factor sign-in) where aal2 is required', () => {
    expect(check(user({}), 'always', null)?.code).toBe('insufficient_user_authentication');
  });

  it('accepts an aal2 token', () => {
    expect(check(user({ aal: 'aal2', mfaEnrolled: true }), 'always', null)).toBeUndefined();
  });

  it('asks aal2 of enrolled users only under whenEnrolled', () => {
    expect(check(user({ aal: 'aal1', mfaEnrolled: false }), 'when_enrolled', null)).toBeUndefined();
    expect(check(user({ aal: 'aal1' }), 'when_enrolled', null)).toBeUndefined();
    expect(check(user({ aal: 'aal1', mfaEnrolled: true }), 'when_enrolled', null)?.code).toBe(
      'insufficient_user_authentication',
    );
  });

  it('refuses a sign-in older than FreshAuth allows, naming max_age', () => {
    const old = check(user({ aal: 'aal2', authTime: NOW_S - 301 }), null, 300);
    expect(old?.challenge).toContain('max_age=300');
    expect(old?.challenge).not.toContain('acr_values');
    expect(check(user({ aal: 'aal2', authTime: NOW_S - 300 }), null, 300)).toBeUndefined();
    expect(check(user({ aal: 'aal2' }), null, 300)?.challenge).toContain('max_age=300');
  });
});

describe('strength claims', () => {
  const payload = (extra: Record<string, unknown>) => ({
    iss: 'i',
    aud: ['a'],
    sub: '0b8e6c1e-2f9e-4c8e-9a57-4b8f3e2d1c01',
    sid: '5f0c2a9b-7d4e-4c3a-8b1f-2e6d9a8c7b02',
    role: 'user',
    iat: NOW_S - 10,
    exp: NOW_S + 800,
    jti: 'j',
    ...extra,
  });
  const rules = {
    issuer: 'i',
    audience: 'a',
    leewaySeconds: 30,
    maxLifetimeSeconds: 900,
    nowSeconds: NOW_S,
  };

  it('reads aal, amr, auth_time and mfa_enrolled', () => {
    const claims = { aal: 'aal2', amr: ['pwd', 'otp'], auth_time: NOW_S - 5, mfa_enrolled: true };
    expect(checkClaims(payload(claims), rules)).toMatchObject({
      aal: 'aal2',
      amr: ['pwd', 'otp'],
      authTime: NOW_S - 5,
      mfaEnrolled: true,
    });
  });

  it.each([
    { aal: 'aal3' },
    { aal: 2 },
    { amr: 'pwd' },
    { amr: ['pwd', 'sms'] },
    { auth_time: '1' },
    { mfa_enrolled: 'yes' },
  ])('refuses a malformed strength claim %j as invalid_token', (bad) => {
    expect(() => checkClaims(payload(bad), rules)).toThrow(
      expect.objectContaining({ code: 'invalid_token' }),
    );
  });
});
