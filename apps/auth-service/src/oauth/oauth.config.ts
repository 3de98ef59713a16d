import type { EnvReader } from '@hybrid-auth/platform';

/** The token endpoint, its clients and its limits (docs/service-identity.md). */
export interface OAuthConfig {
  /** AUTH_CLIENTS_FILE: the registered machine clients; none when unset. */
  clientsFile: string | undefined;
  /** How often the clients file is checked for changes, in seconds (0: only at start and SIGHUP). */
  clientsReloadSeconds: number;
  /** AUTH_BASE_URL: where auth-service answers, for the discovery documents. */
  baseUrl: string;
  /** `${baseUrl}/auth/token`: the `aud` a client assertion names (the issuer is accepted too). */
  tokenEndpoint: string;
  /** Lifetime of an exchanged token, seconds (at most 60, never past the subject token). */
  exchangeTtl: number;
  /** Lifetime of a client-credentials token, seconds (at most 300). */
  clientTokenTtl: number;
  /** Token requests counted before any signature check, per client and per address. */
  throttle: { perClient: number; perIp: number; windowSeconds: number };
}

export function readOAuthConfig(read: EnvReader, port: number): OAuthConfig {
  // A wrong or random (0) PORT has its own message: the default URL then assumes 3000.
  const ownPort = Number.isInteger(port) && port > 0 && port <= 65_535 ? port : 3000;
  const baseUrl = read
    .url('AUTH_BASE_URL', ['http:', 'https:'], `http://localhost:${ownPort}`)
    .replace(/\/+$/, '');
  return {
    clientsFile: read.optionalString('AUTH_CLIENTS_FILE'),
    clientsReloadSeconds: read.int('AUTH_CLIENTS_RELOAD', { default: 10, min: 0, max: 86_400 }),
    baseUrl,
    tokenEndpoint: `${baseUrl}/auth/token`,
    exchangeTtl: read.int('AUTH_EXCHANGE_TOKEN_TTL', { default: 60, min: 5, max: 60 }),
    clientTokenTtl: read.int('AUTH_CLIENT_TOKEN_TTL', { default: 300, min: 10, max: 300 }),
    // An exchange is once per user per minute per calling service: 6000 a minute per client
    // is a busy service; a flood of forged assertions still stops here before any ECDSA.
    throttle: {
      perClient: read.int('AUTH_TOKEN_MAX_PER_CLIENT', { default: 6000, min: 1 }),
      perIp: read.int('AUTH_TOKEN_MAX_PER_IP', { default: 6000, min: 1 }),
      windowSeconds: read.int('AUTH_TOKEN_THROTTLE_WINDOW', { default: 60, min: 1, max: 3600 }),
    },
  };
}
