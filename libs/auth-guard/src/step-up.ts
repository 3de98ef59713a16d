import type { AuthUser } from './auth-user';
import type { Aal2Policy } from './decorators';
import { stepUpError } from './errors';
import type { AuthError } from './errors';

/**
 * The refusal for a token too weak or too old for a route, or undefined when it will do.
 * From the token alone, like a role check. A token without `auth_time` counts as too old,
 * one without `aal` as `aal1`.
 */
export function stepUpCheck(
  user: AuthUser,
  aal2: Aal2Policy | null,
  maxAge: number | null,
  nowMs: number,
): AuthError | undefined {
  const wantsAal2 = aal2 === 'always' || (aal2 === 'when_enrolled' && user.mfaEnrolled === true);
  const weak = wantsAal2 && user.aal !== 'aal2';
  const stale =
    maxAge !== null &&
    (user.authTime === undefined || Math.floor(nowMs / 1000) - user.authTime > maxAge);
  if (!weak && !stale) return undefined;
  return stepUpError(
    { aal2: weak, ...(stale ? { maxAge: maxAge! } : {}) },
    weak ? 'aal1 token' : 'auth_time too old',
  );
}
