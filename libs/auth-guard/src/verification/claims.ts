import { AALS, AUTH_METHODS } from '../auth-user';
import type { AccessTokenClaims, Aal, AuthMethod, AuthUser } from '../auth-user';
import { ROLES } from '../constants';
import type { Role } from '../constants';
import { authError } from '../errors';

export interface ClaimRules {
  issuer: string;
  audience: string;
  leewaySeconds: number;
  maxLifetimeSeconds: number;
  nowSeconds: number;
}

const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 64;
/** `sub` and `sid` are UUIDs (docs/api.md); anything else never came from auth-service. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * Every claim checked, whatever the signature library already did: the signature proves
 * who wrote the token, these rules prove it is meant for us, now. Expiry is the only
 * failure reported as `token_expired`; everything else is `invalid_token`.
 */
export function checkClaims(payload: unknown, rules: ClaimRules): AuthUser {
  // A payload that parses to a string, a number or an array is no claim set: refuse it here
  // rather than fail with a TypeError on the destructuring below.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw authError('invalid_token', 'payload is not a JSON object');
  }
  const { iss, aud, sub, sid, role, iat, exp, nbf, jti, email_verified, act } = payload as Partial<
    Record<keyof AccessTokenClaims, unknown>
  >;
  if (iss !== rules.issuer) throw authError('invalid_token', 'iss');
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(audiences) || !audiences.includes(rules.audience)) {
    throw authError('invalid_token', 'aud');
  }
  if (!isUuid(sub)) throw authError('invalid_token', 'sub');
  if (!isUuid(sid)) throw authError('invalid_token', 'sid');
  if (!isId(jti)) throw authError('invalid_token', 'jti');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw authError('invalid_token', 'role');
  }
  if (email_verified !== undefined && typeof email_verified !== 'boolean') {
    throw authError('invalid_token', 'email_verified');
  }
  const strength = checkStrength(payload as Record<string, unknown>);
  const actor = readActor(act);
  if (!isNumericDate(iat) || !isNumericDate(exp)) throw authError('invalid_token', 'iat/exp');
  if (nbf !== undefined && !isNumericDate(nbf)) throw authError('invalid_token', 'nbf');
  const { nowSeconds: now, leewaySeconds: leeway } = rules;
  if (iat > now + leeway) throw authError('invalid_token', 'iat in the future');
  if (nbf !== undefined && nbf > now + leeway) throw authError('invalid_token', 'nbf ahead');
  if (exp <= iat || exp - iat > rules.maxLifetimeSeconds) {
    throw authError('invalid_token', 'lifetime beyond the allowed maximum');
  }
  if (now >= exp + leeway) throw authError('token_expired', 'exp');
  // Built by assignment, not by spreading conditional objects: this runs on every cache miss.
  const user: AuthUser = {
    userId: sub,
    sessionId: sid,
    role: role as Role,
    audience: Object.freeze((audiences as unknown[]).map(String)),
    tokenId: jti,
    issuedAt: iat,
    expiresAt: exp,
  };
  if (email_verified !== undefined) user.emailVerified = email_verified;
  if (strength.aal !== undefined) user.aal = strength.aal;
  if (strength.amr !== undefined) user.amr = strength.amr;
  if (strength.authTime !== undefined) user.authTime = strength.authTime;
  if (strength.mfaEnrolled !== undefined) user.mfaEnrolled = strength.mfaEnrolled;
  if (actor !== undefined) user.actor = actor;
  return user;
}

const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

/**
 * `aal`, `amr`, `auth_time` and `mfa_enrolled`: optional (tokens from before multi-factor
 * sign-in lack them), but never of the wrong type or outside their closed sets.
 */
function checkStrength(
  claims: Record<string, unknown>,
): Pick<AuthUser, 'aal' | 'amr' | 'authTime' | 'mfaEnrolled'> {
  const { aal, amr, auth_time: authTime, mfa_enrolled: mfaEnrolled } = claims;
  if (aal !== undefined && !isOneOf<Aal>(AALS, aal)) throw authError('invalid_token', 'aal');
  if (
    amr !== undefined &&
    (!Array.isArray(amr) ||
      amr.length > AUTH_METHODS.length ||
      !amr.every((m) => isOneOf<AuthMethod>(AUTH_METHODS, m)))
  ) {
    throw authError('invalid_token', 'amr');
  }
  if (authTime !== undefined && !isNumericDate(authTime)) {
    throw authError('invalid_token', 'auth_time');
  }
  if (mfaEnrolled !== undefined && typeof mfaEnrolled !== 'boolean') {
    throw authError('invalid_token', 'mfa_enrolled');
  }
  return {
    aal: aal as Aal | undefined,
    amr: amr === undefined ? undefined : Object.freeze((amr as AuthMethod[]).slice()),
    authTime: authTime as number | undefined,
    mfaEnrolled: mfaEnrolled as boolean | undefined,
  };
}

const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * `act` (RFC 8693 §4.1) of an exchanged token: exactly `{ sub: <client id> }`, as
 * auth-service writes it. Anything else (a string, nested actors, extra members) never came
 * from auth-service and is refused rather than half-read.
 */
function readActor(act: unknown): string | undefined {
  if (act === undefined) return undefined;
  const valid =
    typeof act === 'object' &&
    act !== null &&
    !Array.isArray(act) &&
    Object.keys(act).length === 1 &&
    typeof (act as { sub?: unknown }).sub === 'string' &&
    CLIENT_ID.test((act as { sub: string }).sub);
  if (!valid) throw authError('invalid_token', 'act');
  return (act as { sub: string }).sub;
}
