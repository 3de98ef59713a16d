import type { AuthUser, RevocationFeed } from '@hybrid-auth/auth-guard';
import { bearer, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';
import { login } from './expectations';
import { codeAt } from '../src/mfa/totp';
import { claimsOf, enrolledUser } from './mfa-support';
import { eventually, followFeed } from './revocation-feed';

const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

/** docs/mfa.md, "Staleness": a change of aal, amr or enrolment reaches every guard. */
describe('MFA changes reach the guards like a role change', () => {
  let t: AuthTestApp;
  let feed: RevocationFeed;
  beforeAll(async () => {
    t = await startAuthApp();
    feed = await followFeed(t);
  });
  afterAll(async () => {
    await feed.stop();
    await t.close();
  });

  /** What a downstream guard says of a token (by its claims). */
  const guardSays = (token: string) => {
    const claims = claimsOf(token);
    const user: AuthUser = {
      userId: claims.sub as string,
      sessionId: claims.sid as string,
      role: 'user',
      audience: ['billing-service'],
      tokenId: claims.jti as string,
      issuedAt: claims.iat as number,
      expiresAt: claims.exp as number,
    };
    return feed.check(user);
  };

  it('makes the aal1 tokens of a user stale once a session steps up, and not the new aal2 one', async () => {
    const { login: first, secret } = await enrolledUser(t);
    const aal1 = (await login(t, first.user.email).expect(200)).body;
    // Tokens carry whole seconds, and the guard compares them with the event's: the step-up
    // must come in a later second than the aal1 token (the feed runs on the real clock, so
    // the app's clock is not moved here).
    await nextSecond();
    const lifted = await t
      .http()
      .post('/auth/mfa/verify')
      .set(bearer(aal1.accessToken))
      // The next step's code: confirming the enrolment spent this step's.
      .send({ code: codeAt(secret, Date.now() + 30_000) })
      .expect(200);
    await eventually(() => guardSays(aal1.accessToken) === 'token_stale');
    expect(guardSays(lifted.body.accessToken)).toBeUndefined();
  });

  it('makes tokens stale when TOTP is removed (mfa_enrolled changes)', async () => {
    const { confirmed } = await enrolledUser(t);
    await nextSecond();
    await t.http().delete('/auth/mfa/totp').set(bearer(confirmed.accessToken)).expect(204);
    await eventually(() => guardSays(confirmed.accessToken) === 'token_stale');
  });
});
