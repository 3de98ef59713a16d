import { readStreamEntry, revocationKeys, RevocationFeed } from '@hybrid-auth/auth-guard';
import type {
  AuthUser,
  RevocationEvent,
  RevocationFeedContext,
  RevocationFeedOptions,
  Role,
} from '@hybrid-auth/auth-guard';
import { Redis } from 'ioredis';
import { SigningKeysService } from '../src/tokens/signing-keys.service';
import { REDIS_URL } from './harness';
import type { AuthTestApp } from './harness';

/** What a downstream guard of this app gets from its module: the app's own keys verify. */
export function feedContext(t: AuthTestApp): RevocationFeedContext {
  return {
    retentionMs: (t.config.accessTokenTtl + 60) * 1000,
    leewayMs: t.config.clockLeewaySeconds * 1000,
    keys: t.app.get(SigningKeysService),
    clock: Date.now,
  };
}

/** A guard-side feed following the app's stream, as a downstream service would. */
export async function followFeed(
  t: AuthTestApp,
  options: RevocationFeedOptions = {},
): Promise<RevocationFeed> {
  const feed = new RevocationFeed(
    {
      redis: REDIS_URL,
      streamKey: t.config.revocationStream,
      keyPrefix: t.config.redisPrefix,
      startupTimeoutMs: 5000,
      ...options,
    },
    feedContext(t),
  );
  await feed.start();
  return feed;
}

/** The app's stream keys. */
export const streamKeys = (t: AuthTestApp) =>
  revocationKeys(t.config.revocationStream, t.config.redisPrefix);

/** Every event in the app's stream that verifies with its keys, heartbeats left out. */
export async function streamEvents(t: AuthTestApp): Promise<RevocationEvent[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const { stream } = streamKeys(t);
    const keys = t.app.get(SigningKeysService);
    return (await redis.xrange(stream, '-', '+')).flatMap(([, fields]) => {
      const entry = readStreamEntry(fields, stream, (kid) => keys.get(kid));
      return entry.ok ? entry.events.filter((e) => e.type !== 'heartbeat') : [];
    });
  } finally {
    await redis.quit();
  }
}

/** The sequence numbers of the app's stream entries that verify with its keys, in stream order. */
export async function streamSequence(t: AuthTestApp): Promise<(number | undefined)[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const { stream } = streamKeys(t);
    const keys = t.app.get(SigningKeysService);
    return (await redis.xrange(stream, '-', '+')).flatMap(([, fields]) => {
      const entry = readStreamEntry(fields, stream, (kid) => keys.get(kid));
      return entry.ok ? [entry.seq] : [];
    });
  } finally {
    await redis.quit();
  }
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
  const user: AuthUser = {
    userId,
    sessionId,
    role,
    audience: ['auth-service'],
    tokenId: 'x',
    issuedAt,
    expiresAt: 0,
  };
  return feed.check(user);
}
