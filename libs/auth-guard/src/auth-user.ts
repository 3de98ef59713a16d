import type { Role } from './constants';

/** What a verified access token says about its bearer; available as `@CurrentUser()`. */
export interface AuthUser {
  userId: string;
  sessionId: string;
  role: Role;
  /**
   * The token's `aud`, as a list: every service it is good for. auth-service's admin routes
   * accept only a token meant for auth-service alone.
   */
  audience: readonly string[];
  /** `jti`, `iat` and `exp` of the token, for auditing and for forwarding decisions. */
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
  /** The `email_verified` claim; undefined for a token issued without it. */
  emailVerified?: boolean;
  /** How strongly the session was signed in (`aal`); undefined for a token without it. */
  aal?: Aal;
  /** The methods used (`amr`, e.g. `["pwd", "otp"]`). */
  amr?: readonly AuthMethod[];
  /** When the user last proved who they are (`auth_time`, seconds). */
  authTime?: number;
  /**
   * `mfa_enrolled`: the user has a second factor, so routes marked
   * `@RequireAal2({ whenEnrolled: true })` want `aal2` from them.
   */
  mfaEnrolled?: boolean;
}

export const AALS = ['aal1', 'aal2'] as const;
export type Aal = (typeof AALS)[number];
export const AUTH_METHODS = ['pwd', 'otp', 'recovery', 'webauthn'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The claims of an access token, as issued by auth-service. */
export interface AccessTokenClaims {
  iss: string;
  aud: string[] | string;
  sub: string;
  sid: string;
  role: Role;
  iat: number;
  exp: number;
  nbf?: number;
  jti: string;
  email_verified?: boolean;
  aal?: Aal;
  amr?: AuthMethod[];
  auth_time?: number;
  mfa_enrolled?: boolean;
}
