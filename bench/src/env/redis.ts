import { Redis } from 'ioredis';

/** The shared Redis; the bench touches only keys under its run's prefix (never FLUSH*). */
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every Redis key of one run, built here: `bench:<run id>:<purpose>[:<id>]`. */
export function benchKeys(runId: string) {
  const prefix = `bench:${runId}:`;
  return {
    prefix,
    /** auth-service's revocation stream (its epoch and published marks live under it too). */
    revocationStream: `${prefix}revocations`,
    /** The session-only-Redis strategy: one key per opaque session id. */
    sessionPrefix: `${prefix}session:`,
  };
}

export function connectRedis(): Redis {
  return new Redis(REDIS_URL, { connectionName: 'hybrid-auth-bench', maxRetriesPerRequest: 2 });
}

/** Writes the session-only-Redis strategy's keys, with a TTL so nothing outlives a crashed run long. */
export async function seedSessionKeys(
  redis: Redis,
  sessionPrefix: string,
  sessions: { id: string; userId: string; role: string }[],
): Promise<void> {
  const expiresAt = Date.now() + 3_600_000;
  const pipeline = redis.pipeline();
  for (const s of sessions) {
    const value = JSON.stringify({ userId: s.userId, role: s.role, expiresAt });
    pipeline.set(`${sessionPrefix}${s.id}`, value, 'EX', 7200);
  }
  await pipeline.exec();
}

/** Deletes this run's keys only: SCAN with the run's prefix (never KEYS, which blocks Redis). */
export async function deleteBenchKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
