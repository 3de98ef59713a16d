import type { EnvReader } from '@hybrid-auth/platform';

/**
 * The peers' settings (see bench/README.md, "Peers"). The strategies section's setup provides
 * every one; a run that measures no peer (the network section) gives none, and the server
 * then has no peer routes.
 */
export interface PeersConfig {
  /** passport-jwt + jwks-rsa: the JWKS of the bench's RS256 key, served by a local process. */
  jwksUrl: string;
  /** better-auth: its own database (pg Pool), secret and base URL. */
  betterAuthDatabaseUrl: string;
  betterAuthSecret: string;
  betterAuthUrl: string;
}

export function readPeersConfig(read: EnvReader): PeersConfig | undefined {
  if (read.optionalString('BENCH_PEER_JWKS_URL') === undefined) return undefined;
  return {
    jwksUrl: read.url('BENCH_PEER_JWKS_URL', ['http:']),
    betterAuthDatabaseUrl: read.url('BENCH_BETTER_AUTH_DATABASE_URL', ['postgres:', 'postgresql:']),
    betterAuthSecret: read.string('BENCH_BETTER_AUTH_SECRET'),
    betterAuthUrl: read.url('BENCH_BETTER_AUTH_URL', ['http:', 'https:']),
  };
}

/** The peers' settings of a server that has peer routes (peersParts registers them only then). */
export function peerSettings(config: { peers: PeersConfig | undefined }): PeersConfig {
  if (!config.peers) throw new Error('peer routes without BENCH_PEER_* settings');
  return config.peers;
}
