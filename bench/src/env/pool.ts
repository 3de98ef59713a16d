import { mapLimit } from '../util/pool';
import { log } from '../util/log';
import { postJson } from './identities';
import type { LoggedIn } from './identities';

/** Renewed past this age, so no pooled token can expire during the section that uses it. */
export const POOL_MAX_AGE_MS = 5 * 60_000;

/** The reused token pool and when its access tokens were issued. */
export interface TokenPool {
  authUrl: string;
  sessions: LoggedIn[];
  issuedAt: number;
}

/**
 * Access tokens live 15 minutes and a full run is longer: before a section uses the pool,
 * tokens older than `maxAgeMs` are renewed the way a client renews them, by refreshing each
 * session (a few seconds for 1000 sessions). Their first use afterwards is a cache miss,
 * which each section's warm-up absorbs.
 */
export async function renewIfOlder(pool: TokenPool, maxAgeMs: number): Promise<void> {
  if (Date.now() - pool.issuedAt < maxAgeMs) return;
  log(`renewing the ${pool.sessions.length} pooled access tokens (refresh)`);
  const issuedAt = Date.now();
  await mapLimit(pool.sessions, 8, async (session) => {
    const { status, body } = await postJson(`${pool.authUrl}/auth/refresh`, {
      refreshToken: session.refreshToken,
    });
    if (status !== 200) throw new Error(`refresh answered ${status}: ${JSON.stringify(body)}`);
    const answer = body as { accessToken: string; refreshToken: string };
    session.accessToken = answer.accessToken;
    session.refreshToken = answer.refreshToken;
  });
  pool.issuedAt = issuedAt;
}
