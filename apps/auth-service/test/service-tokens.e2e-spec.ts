import { ServiceTokenError, ServiceTokens } from '@hybrid-auth/auth-guard';
import { decodeJwt } from './expectations';
import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { testClient, writeClientsFile } from './support/clients';

describe('ServiceTokens (@hybrid-auth/auth-guard) against the real token endpoint', () => {
  let t: AuthTestApp;
  let tokenUrl: string;
  const orders = testClient('orders-service', {
    audiences: ['catalog-service'],
    grants: ['token_exchange'],
  });
  const serviceTokens = () =>
    new ServiceTokens({
      tokenUrl,
      issuer: 'http://auth.test',
      clientId: orders.id,
      privateKey: { key: orders.privateKey, kid: orders.kid },
      clock: () => t.clock.now().getTime(),
    });

  beforeAll(async () => {
    t = await startAuthApp({ AUTH_CLIENTS_FILE: writeClientsFile([orders]) });
    await t.app.listen(0, '127.0.0.1');
    tokenUrl = `${await t.app.getUrl()}/auth/token`.replace('[::1]', '127.0.0.1');
  });
  afterAll(() => t.close());

  it('exchanges once for a burst, caches until shortly before expiry, then renews', async () => {
    const s = await signUpAndLogin(t);
    const tokens = serviceTokens();
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => tokens.exchange(s.accessToken, 'catalog-service')),
    );
    expect(new Set(burst).size).toBe(1);
    expect(tokens.counts.exchanges).toBe(1);
    expect(decodeJwt(burst[0]).payload).toMatchObject({
      aud: ['catalog-service'],
      sub: s.user.id,
      act: { sub: 'orders-service' },
    });
    expect(await tokens.exchange(s.accessToken, 'catalog-service')).toBe(burst[0]);
    expect(tokens.counts.exchanges).toBe(1);
    t.clock.advance(51);
    try {
      const renewed = await tokens.exchange(s.accessToken, 'catalog-service');
      expect(renewed).not.toBe(burst[0]);
      expect(tokens.counts.exchanges).toBe(2);
    } finally {
      t.clock.advance(-51);
    }
  });

  it('keeps users apart: another subject token is another exchange', async () => {
    const [a, b] = [await signUpAndLogin(t), await signUpAndLogin(t)];
    const tokens = serviceTokens();
    const [ta, tb] = await Promise.all([
      tokens.exchange(a.accessToken, 'catalog-service'),
      tokens.exchange(b.accessToken, 'catalog-service'),
    ]);
    expect(decodeJwt(ta).payload.sub).toBe(a.user.id);
    expect(decodeJwt(tb).payload.sub).toBe(b.user.id);
  });

  it('reports the OAuth code of a refusal, and caches no failure', async () => {
    const s = await signUpAndLogin(t);
    const tokens = serviceTokens();
    await expect(tokens.exchange(s.accessToken, 'billing-service')).rejects.toMatchObject({
      code: 'invalid_target',
      status: 400,
    });
    await t.http().post('/auth/logout-all').set(bearer(s.accessToken)).expect(204);
    const refused = await tokens.exchange(s.accessToken, 'catalog-service').catch((e) => e);
    expect(refused).toBeInstanceOf(ServiceTokenError);
    expect(refused.code).toBe('invalid_grant');
  });
});
