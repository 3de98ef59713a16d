export { AuthGuardModule } from './auth-guard.module';
export type { AuthGuardModuleOptions } from './options';
export { JwtAuthGuard } from './jwt-auth.guard';
export { RolesGuard } from './roles.guard';
export { AuthGuardStatus } from './auth-guard.status';
export type { GuardReadiness } from './auth-guard.status';
export {
  AccessToken,
  CurrentUser,
  Public,
  RequireVerifiedEmail,
  Roles,
  Strict,
} from './decorators';
export type { AuthUser, AccessTokenClaims } from './auth-user';
export { AuthError, authError } from './errors';
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
  RevocationFeedOptions,
} from './revocation/revocation-feed';
export { DenyList } from './revocation/deny-list';
export {
  DEFAULT_REVOCATION_STREAM,
  decodeEvent,
  encodeEvent,
  parseSnapshot,
  revocationKeys,
} from './revocation/protocol';
export type { RevocationEvent, RevocationSnapshot } from './revocation/protocol';
export { TokenVerifier } from './verification/token-verifier';
export { extractToken, readCookie } from './verification/token-extractor';
export { signAccessToken } from './token-format';
