import { ConfigError } from '@hybrid-auth/platform';
import { loadAuthConfig } from './auth.config';

const BASE = { DATABASE_URL: 'postgres://auth@db.internal:5432/auth' };

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadAuthConfig({ ...BASE, ...env });
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
};

describe('passkey configuration', () => {
  it('takes the site and the one accepted origin from AUTH_PUBLIC_URL', () => {
    expect(
      loadAuthConfig({ ...BASE, AUTH_PUBLIC_URL: 'https://shop.example:8443/' }).webauthn,
    ).toEqual({
      rpId: 'shop.example',
      rpName: 'hybrid-auth',
      origin: 'https://shop.example:8443',
      challengeTtl: 300,
      loginPerIp: 60,
      loginWindowSeconds: 60,
    });
  });

  it('accepts a parent domain as the relying party, so passkeys work across its subdomains', () => {
    const env = {
      AUTH_PUBLIC_URL: 'https://account.shop.example',
      AUTH_WEBAUTHN_RP_ID: 'shop.example',
    };
    expect(loadAuthConfig({ ...BASE, ...env }).webauthn.rpId).toBe('shop.example');
  });

  it('refuses a relying party the page could never claim, naming the variable', () => {
    const env = { AUTH_PUBLIC_URL: 'https://shop.example', AUTH_WEBAUTHN_RP_ID: 'evil.example' };
    expect(problemsOf(env)).toContain('AUTH_WEBAUTHN_RP_ID');
    expect(problemsOf({ AUTH_WEBAUTHN_CHALLENGE_TTL: '5' })).toContain(
      'AUTH_WEBAUTHN_CHALLENGE_TTL',
    );
  });
});
