export { AuthGuardModule } from './auth-guard.module';
export type { AuthGuardModuleOptions } from './options';
export { JwtAuthGuard } from './jwt-auth.guard';
export { RolesGuard } from './roles.guard';
export { AuthGuardStatus } from './auth-guard.status';
export type { GuardReadiness } from './auth-guard.status';
export {
  AccessToken,
  CurrentUser,
  FreshAuth,
  Public,
  RequireAal2,
  RequireVerifiedEmail,
  Roles,
  Strict,
} from './decorators';
export type { Aal2Policy } from './decorators';
export type { AuthUser, AccessTokenClaims, MachineTokenClaims, Aal, AuthMethod } from './auth-user';
export { AALS, AUTH_METHODS } from './auth-user';
export { stepUpCheck } from './step-up';
export { AuthError, authError, stepUpError } from './errors';
export type { AuthErrorCode } from './errors';
export { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, DEFAULTS, ROLES } from './constants';
export type { Role } from './constants';
export type { KeySource } from './keys/key-source';
export { StaticKeySource } from './keys/key-source';
export { importJwks, importPublicJwk } from './keys/jwk';
export type { PublicJwk } from './keys/jwk';
export { RevocationFeed } from './revocation/revocation-feed';
export type {
  FeedStatus,
  RevocationFallbackOptions,
  RevocationFeedContext,
  RevocationFeedOptions,
} from './revocation/revocation-feed';
export { DenyList } from './revocation/deny-list';
export {
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REVOCATION_STREAM,
  REDIS_PREFIX_PATTERN,
  parseSnapshot,
  revocationKeys,
} from './revocation/protocol';
export type { RevocationEvent, RevocationSnapshot } from './revocation/protocol';
export {
  MAX_EVENTS_PER_ENTRY,
  STREAM_FORMAT_VERSION,
  readStreamEntry,
  signStreamEntry,
} from './revocation/stream-entry';
export type {
  EntryRejection,
  StreamEntry,
  StreamScope,
  StreamSigningKey,
} from './revocation/stream-entry';
export type { FeedRejection } from './revocation/feed-rejections';
export { TokenVerifier } from './verification/token-verifier';
export {
  SECURE_PREFIX,
  accessCookieName,
  extractToken,
  hasCookiePrefix,
  readCookie,
} from './verification/token-extractor';
/**
 * @deprecated since 0.4.0: import it from `@hybrid-auth/auth-guard/testing`. It is a test
 * helper; auth-service issues its tokens through `@nestjs/jwt`.
 */
export { signAccessToken } from './testing/raw-jws';
export {
  ServiceTokens,
  ServiceTokenError,
  ACCESS_TOKEN_TYPE,
  JWT_BEARER_ASSERTION,
  TOKEN_EXCHANGE_GRANT,
} from './service-tokens/service-tokens';
export type { ServiceTokensOptions } from './service-tokens/service-tokens';
