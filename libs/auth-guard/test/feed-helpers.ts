import { setTimeout as delay } from 'node:timers/promises';
import type { AuthUser } from '../src/auth-user';
import type { Role } from '../src/constants';

/**
 * The verified user of a token of this session, as the deny-list sees it. By default issued after every event these tests publish (their clocks
 * start at 1.8e12 ms), so only its session and role decide; pass `issuedAt` (seconds) to
 * test the time rule of user events.
 */
export const tokenOf = (
  sessionId: string,
  userId = 'u-1',
  role: Role = 'user',
  issuedAt = 1_900_000_000,
): AuthUser => ({
  userId,
  sessionId,
  role,
  audience: ['test-service'],
  tokenId: 'jti',
  issuedAt,
  expiresAt: issuedAt + 900,
});

/** Polls a condition; feed delivery is asynchronous, so waiting is real but short. */
export async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs && !condition(); waited += 10) await delay(10);
  return condition();
}
