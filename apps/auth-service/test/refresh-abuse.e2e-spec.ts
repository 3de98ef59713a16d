import { bearer, signUpAndLogin, startAuthApp } from './harness';
import type { AuthTestApp } from './harness';

describe('refresh tokens under abuse and lossy networks', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.http().post('/auth/refresh').send({ refreshToken });

  it('revokes the session when a thief and the owner race with tokens of different generations after the grace window', async () => {
    const s = await signUpAndLogin(t);
    const stolen = s.refreshToken; // the thief copied it before the owner's next refresh
    const owner = (await refresh(stolen).expect(200)).body;
    t.clock.advance(t.config.refreshReuseGrace + 1);
    const [ownerAnswer, thiefAnswer] = await Promise.all([
      refresh(owner.refreshToken),
      refresh(stolen),
    ]);
    expect(thiefAnswer.status).toBe(401);
    expect(thiefAnswer.body.code).toBe('refresh_token_reused');
    // Whatever the owner's racing request got, nothing of this session works any more.
    const latest = ownerAnswer.status === 200 ? ownerAnswer.body : owner;
    expect((await refresh(latest.refreshToken).expect(401)).body.code).toBe(
      'invalid_refresh_token',
    );
    expect(
      (await t.http().get('/auth/me').set(bearer(latest.accessToken)).expect(401)).body.code,
    ).toBe('session_revoked');
  });

  it('keeps exactly one live refresh token through 1000 rotations whose answers are sometimes lost', async () => {
    const s = await signUpAndLogin(t);
    let current = s.refreshToken;
    let rotations = 0;
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const first = await refresh(current).expect(200);
      if (attempt % 3 === 0) {
        // The answer was "lost": the client retries with the same token and must get the
        // very same new token, not a second branch.
        const retry = await refresh(current).expect(200);
        expect(retry.body.refreshToken).toBe(first.body.refreshToken);
      }
      current = first.body.refreshToken;
      rotations += 1;
    }
    const [row] = await t.dataSource.query(
      'SELECT generation, revoked_at FROM sessions WHERE id = $1',
      [s.sessionId],
    );
    expect(row).toEqual({ generation: rotations, revoked_at: null });
    // The token before the current one is no longer live once its grace window has passed:
    // presenting it is treated as theft.
    const previousGeneration = `${s.sessionId}.${rotations - 1}.`;
    expect(current.startsWith(`${s.sessionId}.${rotations}.`)).toBe(true);
    t.clock.advance(t.config.refreshReuseGrace + 1);
    const stale = await refresh(previousGeneration + 'A'.repeat(43)).expect(401);
    expect(stale.body.code).toBe('invalid_refresh_token'); // a forged secret: nothing happens
    await refresh(current).expect(200);
  }, 120_000);
});
