import type { AuthUser } from '@hybrid-auth/auth-guard';
import { decodeJwt } from './expectations';
import { signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { eventually, followFeed, streamEvents } from './revocation-feed';
import {
  ACCESS_TOKEN_TYPE,
  ASSERTION_TYPE,
  EXCHANGE,
  assertion,
  testClient,
  writeClientsFile,
} from './support/clients';

/** What a guard knows of a verified exchanged token, as checkClaims hands it over. */
const asUser = (token: string): AuthUser => {
  const c = decodeJwt(token).payload as Record<string, unknown>;
  return {
    userId: c.sub as string,
    sessionId: c.sid as string,
    role: 'user',
    audience: c.aud as string[],
    tokenId: c.jti as string,
    issuedAt: c.iat as number,
    expiresAt: c.exp as number,
    actor: (c.act as { sub: string } | undefined)?.sub,
  };
};

describe('a disabled client is pushed to the guards like a revocation', () => {
  let t: AuthTestApp;
  let file: string;
  const orders = testClient('orders-service', {
    audiences: ['catalog-service'],
    grants: ['token_exchange'],
  });
  const billing = testClient('billing-service', {
    audiences: ['orders-service'],
    grants: ['token_exchange'],
  });

  beforeAll(async () => {
    file = writeClientsFile([orders, billing]);
    t = await startAuthApp({ AUTH_CLIENTS_FILE: file, AUTH_CLIENTS_RELOAD: '0' });
  });
  afterAll(() => t.close());

  it('refuses the tokens it exchanged at every guard, and no one else’s', async () => {
    const feed = await followFeed(t);
    try {
      const s = await signUpAndLogin(t);
      const exchange = async (client: typeof orders, audience: string) =>
        (
          await t
            .http()
            .post('/auth/token')
            .type('form')
            .send({
              grant_type: EXCHANGE,
              client_assertion_type: ASSERTION_TYPE,
              client_assertion: assertion(client, 'http://auth.test'),
              subject_token: s.accessToken,
              subject_token_type: ACCESS_TOKEN_TYPE,
              audience,
            })
            .expect(200)
        ).body.access_token as string;
      const byOrders = asUser(await exchange(orders, 'catalog-service'));
      const byBilling = asUser(await exchange(billing, 'orders-service'));
      expect(feed.check(byOrders)).toBeUndefined();

      writeClientsFile(
        [{ ...orders, registration: { ...orders.registration, disabled: true } }, billing],
        file,
      );
      process.emit('SIGHUP');
      await eventually(() => feed.check(byOrders) === 'invalid_token');
      expect(feed.check(byBilling)).toBeUndefined();
      // The user's own token is untouched.
      expect(feed.check({ ...byOrders, actor: undefined })).toBeUndefined();
      const events = await streamEvents(t);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'client', clientId: 'orders-service' }),
      );
      // In the outbox once, so the snapshot (for a guard whose stream is down) carries it too.
      const rows = await t.dataSource.query(
        `SELECT type, client_id FROM revocation_events WHERE type = 'client'`,
      );
      expect(rows).toEqual([{ type: 'client', client_id: 'orders-service' }]);
    } finally {
      await feed.stop();
    }
  });
});
