import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from './auth-user';
import {
  AAL2_KEY,
  FRESH_AUTH_KEY,
  IS_PUBLIC_KEY,
  ROLES_KEY,
  STRICT_KEY,
  VERIFIED_EMAIL_KEY,
} from './constants';
import type { Aal2Policy } from './decorators';
import { stepUpCheck } from './step-up';
import type { Role } from './constants';
import { AuthError, authError } from './errors';
import type { NormalizedOptions } from './options';
import type { RevocationFeed } from './revocation/revocation-feed';
import { PerHandler } from './per-handler';
import { AUTH_GUARD_OPTIONS, REQUEST_TOKEN, REVOCATION_FEED } from './injection-tokens';
import { extractToken } from './verification/token-extractor';
import { TokenVerifier } from './verification/token-verifier';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
  [REQUEST_TOKEN]?: string;
}

type Outcome = 'ok' | AuthError['code'] | 'error';
const REFUSAL_LOG_WINDOW_MS = 10_000;
interface RouteRules {
  isPublic: boolean;
  strict: boolean;
  /** The `@Roles(...)` of the route; null when any role will do. */
  roles: readonly Role[] | null;
  /** `@RequireVerifiedEmail()`: the token must say `email_verified: true`. */
  verifiedEmail: boolean;
  /** `@RequireAal2()`: whom it asks for `aal2`; null without the decorator. */
  aal2: Aal2Policy | null;
  /** `@FreshAuth(seconds)`: the oldest sign-in accepted; null without the decorator. */
  maxAge: number | null;
}

/**
 * Deny by default: every route needs a valid access token unless marked `@Public()`, and
 * one of its `@Roles(...)` when it has some. Register it as the global guard
 * (`{ provide: APP_GUARD, useExisting: JwtAuthGuard }`); nothing else is needed.
 *
 * No I/O on the request path: keys and revocation news are in memory, refreshed in the
 * background. Only a token naming a kid we have never seen may wait, bounded, for one
 * rate-limited JWKS refetch.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly logger = new Logger('JwtAuthGuard');
  readonly outcomes = new Map<Outcome, number>();
  /** `@Public()`, `@Strict()` and `@Roles()` of each handler, read once. */
  private readonly routes = new PerHandler<RouteRules>((targets) => {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    return {
      isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) === true,
      strict:
        this.options.strict ||
        this.reflector.getAllAndOverride<boolean>(STRICT_KEY, targets) === true,
      roles: roles && roles.length > 0 ? roles : null,
      verifiedEmail:
        this.reflector.getAllAndOverride<boolean>(VERIFIED_EMAIL_KEY, targets) === true,
      aal2: this.reflector.getAllAndOverride<Aal2Policy | undefined>(AAL2_KEY, targets) ?? null,
      maxAge: this.reflector.getAllAndOverride<number | undefined>(FRESH_AUTH_KEY, targets) ?? null,
    };
  });
  private readonly refusals = new Map<Outcome, number>();
  private windowStart = 0;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(AUTH_GUARD_OPTIONS) private readonly options: NormalizedOptions,
    @Optional() @Inject(REVOCATION_FEED) private readonly feed: RevocationFeed | null,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routes.get(context);
    if (route.isPublic) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const response = context.switchToHttp().getResponse<unknown>();
    let presented = false;
    try {
      // A malformed Authorization header still counts as a presented (invalid) token.
      presented = request.headers.authorization !== undefined;
      const extracted = extractToken(request, this.options.cookieName);
      if (!extracted) throw authError('missing_token');
      presented = true;
      request[REQUEST_TOKEN] = extracted.token;
      const verified = this.verifier.verify(extracted.token);
      if (verified instanceof Promise) {
        // admit() may refuse too (revoked session, stale feed): its errors need the same
        // headers and counting as a failed verification, hence catch() rather than then(_, b).
        return verified
          .then((user) => this.admit(user, request, route))
          .catch((error: unknown) => this.refuse(error, response, true));
      }
      return this.admit(verified, request, route);
    } catch (error) {
      return this.refuse(error, response, presented);
    }
  }

  private admit(user: AuthUser, request: GuardedRequest, route: RouteRules): true {
    const denied = this.feed?.check(user);
    if (denied) throw authError(denied);
    if (route.strict) {
      if (!this.feed?.isFresh()) throw authError('unavailable', 'revocation feed stale');
    }
    // Roles are enforced here too: a service that forgets RolesGuard cannot leave a route open.
    if (route.roles !== null && !route.roles.includes(user.role)) {
      throw authError('forbidden', `role ${user.role}`);
    }
    if (route.verifiedEmail && user.emailVerified !== true) {
      throw authError('email_not_verified');
    }
    if (route.aal2 !== null || route.maxAge !== null) {
      const refusal = stepUpCheck(user, route.aal2, route.maxAge, this.options.clock());
      if (refusal) throw refusal;
    }
    request.user = user;
    this.count('ok');
    return true;
  }

  private refuse(error: unknown, response: unknown, tokenPresented: boolean): never {
    if (!(error instanceof AuthError)) {
      // A bug in verification must not open the door, nor leak as a 500 with details.
      this.logger.error(`unexpected verification failure: ${String(error)}`);
      this.count('error');
      error = authError('invalid_token', 'unexpected');
    }
    const authErr = error as AuthError;
    this.count(authErr.code);
    if (authErr.challenge !== undefined) {
      setHeader(response, 'www-authenticate', authErr.challenge);
    } else if (authErr.getStatus() === 401) {
      setHeader(
        response,
        'www-authenticate',
        tokenPresented ? 'Bearer error="invalid_token"' : 'Bearer',
      );
    } else if (authErr.getStatus() === 503) {
      setHeader(response, 'retry-after', '1');
    }
    throw authErr;
  }

  private count(outcome: Outcome): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (outcome !== 'ok') this.noteRefusal(outcome);
  }

  /**
   * Refusals are logged as one summary line per window, never one line per request: a flood
   * of bad tokens must show up in the logs without flooding them (and tokens are never logged).
   */
  private noteRefusal(outcome: Outcome): void {
    this.refusals.set(outcome, (this.refusals.get(outcome) ?? 0) + 1);
    const now = this.options.clock();
    if (now - this.windowStart < REFUSAL_LOG_WINDOW_MS) return;
    this.logger.warn({
      msg: 'access tokens refused',
      windowSeconds: Math.round((now - this.windowStart) / 1000),
      byCode: Object.fromEntries(this.refusals),
    });
    this.refusals.clear();
    this.windowStart = now;
  }
}

/** Sets a header on an Express or Fastify response. */
function setHeader(response: unknown, name: string, value: string): void {
  const res = response as {
    header?: (n: string, v: string) => unknown;
    setHeader?: (n: string, v: string) => unknown;
  };
  if (typeof res.header === 'function') res.header(name, value);
  else if (typeof res.setHeader === 'function') res.setHeader(name, value);
}
