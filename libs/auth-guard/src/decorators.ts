import { SetMetadata, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { AuthUser } from './auth-user';
import {
  AAL2_KEY,
  FRESH_AUTH_KEY,
  IS_PUBLIC_KEY,
  ROLES_KEY,
  STRICT_KEY,
  VERIFIED_EMAIL_KEY,
} from './constants';
import type { Role } from './constants';
import { REQUEST_TOKEN } from './injection-tokens';

/** Opens a route or controller to requests without a token. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** Requires one of the given roles (403 `forbidden` otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Refuses (503 `unavailable`) while revocation news may be stale beyond the strict budget. */
export const Strict = () => SetMetadata(STRICT_KEY, true);

/**
 * Requires a verified e-mail address (403 `email_not_verified` otherwise), read from the
 * token's `email_verified` claim alone: no call to auth-service. A token without the claim
 * counts as unverified.
 */
export const RequireVerifiedEmail = () => SetMetadata(VERIFIED_EMAIL_KEY, true);

/** Who `@RequireAal2()` applies to: everyone (default), or only users with a second factor. */
export type Aal2Policy = 'always' | 'when_enrolled';

/**
 * Requires a token at `aal2` (a second factor or a passkey), from the token alone; 401
 * `insufficient_user_authentication` with `WWW-Authenticate: Bearer
 * error="insufficient_user_authentication", acr_values="aal2"` otherwise (RFC 9470).
 * `{ whenEnrolled: true }` asks it only of users whose token says `mfa_enrolled: true`: users
 * without a second factor keep their password-only access (they have nothing to step up with).
 */
export const RequireAal2 = (options: { whenEnrolled?: boolean } = {}) =>
  SetMetadata(AAL2_KEY, (options.whenEnrolled ? 'when_enrolled' : 'always') satisfies Aal2Policy);

/**
 * Requires that the user proved who they are (`auth_time`) at most `seconds` ago; 401
 * `insufficient_user_authentication` with `max_age=<seconds>` in the challenge otherwise.
 */
export const FreshAuth = (seconds: number) => {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error('FreshAuth(seconds): seconds must be a positive integer');
  }
  return SetMetadata(FRESH_AUTH_KEY, seconds);
};

/** The verified `{ userId, sessionId, role, … }` of the caller. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser | undefined =>
    context.switchToHttp().getRequest<{ user?: AuthUser }>().user,
);

/** The caller's raw access token, e.g. to call another service on the caller's behalf. */
export const AccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<{ [REQUEST_TOKEN]?: string }>()[REQUEST_TOKEN],
);
