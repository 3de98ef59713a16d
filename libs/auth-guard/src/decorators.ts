import { SetMetadata, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { AuthUser } from './auth-user';
import { IS_PUBLIC_KEY, ROLES_KEY, STRICT_KEY, VERIFIED_EMAIL_KEY } from './constants';
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
