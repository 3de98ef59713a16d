import type { AuthGuardModuleOptions } from '@hybrid-auth/auth-guard';
import { EnvReader, readGuardConfig, readHttpConfig } from '@hybrid-auth/platform';
import type { HttpConfig } from '@hybrid-auth/platform';
import { readPeersConfig } from './peers/peers.config';
import type { PeersConfig } from './peers/peers.config';

export const STRATEGIES_CONFIG = Symbol('STRATEGIES_CONFIG');

export interface StrategiesConfig {
  http: HttpConfig;
  /** The hybrid route: the real AuthGuardModule, keys from auth-service's JWKS, revocation from Redis. */
  guard: AuthGuardModuleOptions;
  /** session-only-PostgreSQL: the database holding the `sessions` table. */
  sessionsDatabaseUrl: string;
  /** session-only-Redis: where session keys live and their prefix. */
  redisUrl: string;
  sessionPrefix: string;
  /** JWT-only: the shared HS256 secret (a string, as in the article). */
  hs256Secret: string;
  /** Where to write a CPU profile when asked (`POST /bench/_profile/...`); unset: no profiler routes. */
  profileFile: string | undefined;
  /** The peers' routes (peers/): passport-jwt's JWKS, better-auth's database and secret; none without them. */
  peers: PeersConfig | undefined;
}

export function loadStrategiesConfig(env: Record<string, string | undefined>): StrategiesConfig {
  const read = new EnvReader(env);
  const guard = readGuardConfig(read, { audience: 'bench-service' });
  const config: StrategiesConfig = {
    http: readHttpConfig(read, 0),
    guard,
    sessionsDatabaseUrl: read.url('BENCH_SESSIONS_DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    sessionPrefix: read.string('BENCH_SESSION_PREFIX'),
    hs256Secret: read.string('BENCH_HS256_SECRET'),
    profileFile: read.optionalString('BENCH_PROFILE_FILE'),
    peers: readPeersConfig(read),
  };
  read.done();
  return config;
}
