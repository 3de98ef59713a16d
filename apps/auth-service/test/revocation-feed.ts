import { RevocationFeed } from '@hybrid-auth/auth-guard';
import type { AuthUser, Role } from '@hybrid-auth/auth-guard';
import { REDIS_URL } from './harness';
import type { AuthTestApp } from './harness';

/** A guard-side feed following the app's stream, as a downstream service would. */
export async function followFeed(t: AuthTestApp): Promise<RevocationFeed> {
  const feed = new RevocationFeed(
    { redis: REDIS_URL, streamKey: t.config.revocationStream, startupTimeoutMs: 5000 },
    (t.config.accessTokenTtl + 60) * 1000,
    Date.now,
  );
  await feed.start();
  return feed;
}

/** Waits until `condition` holds; fails after `timeoutMs` (a liveness bound, not a performance claim). */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What the guard would say about a token of this session and role. */
export function verdict(
  feed: RevocationFeed,
  userId: string,
  sessionId: string,
  role: Role = 'user',
  issuedAt = 0,
) {
  const user: AuthUser = { userId, sessionId, role, tokenId: 'x', issuedAt, expiresAt: 0 };
  return feed.check(user);
}
