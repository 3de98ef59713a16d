import type { EnvReader } from '@hybrid-auth/platform';

/** The peers' settings (see bench/README.md, "Peers"); the bench's setup provides every one. */
export interface PeersConfig {
  /** passport-jwt + jwks-rsa: the JWKS of the bench's RS256 key, served by a local process. */
  jwksUrl: string;
  /** better-auth: its own database (pg Pool), secret and base URL. */
  betterAuthDatabaseUrl: string;
  betterAuthSecret: string;
  betterAuthUrl: string;
}

export function readPeersConfig(read: EnvReader): PeersConfig {
  return {
    jwksUrl: read.url('BENCH_PEER_JWKS_URL', ['http:']),
    betterAuthDatabaseUrl: read.url('BENCH_BETTER_AUTH_DATABASE_URL', ['postgres:', 'postgresql:']),
    betterAuthSecret: read.string('BENCH_BETTER_AUTH_SECRET'),
    betterAuthUrl: read.url('BENCH_BETTER_AUTH_URL', ['http:', 'https:']),
  };
}
