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
  /**
   * `act.sub` of an exchanged token: the service that asked for it on the user's behalf
   * (RFC 8693); undefined for the user's own token.
   */
  actor?: string;
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
  /** RFC 8693 actor: the service that exchanged a user's token for this one. */
  act?: { sub: string };
}

/**
 * A client-credentials token (RFC 6749 §4.4): the machine client is the subject, there is no
 * session and no role, so the guards of the services refuse it; only the routes that ask for
 * a scope (the revocation snapshot) read it.
 */
export interface MachineTokenClaims {
  iss: string;
  aud: string[];
  sub: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}
