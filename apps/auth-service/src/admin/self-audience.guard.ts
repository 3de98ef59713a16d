import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { AuthError } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import type { FastifyReply } from 'fastify';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';

/**
 * Admin routes accept only an access token meant for auth-service alone (`aud` exactly
 * `[AUTH_OWN_AUDIENCE]`). Ordinary tokens list every downstream service too, so any of them
 * that sees an admin's token could otherwise replay it here; the admin-only token is asked
 * for explicitly (`audience: "auth-service"` on login or refresh) and no other service
 * accepts it. Runs after the global guards, which have verified the token and the role.
 *
 * A wrong audience is `401 invalid_token`, as docs/api.md lists it ("wrong … aud"), not
 * `403 forbidden`: the caller may well be allowed, with the right token.
 */
@Injectable()
export class SelfAudienceGuard implements CanActivate {
  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const audience = context.switchToHttp().getRequest<{ user?: AuthUser }>().user?.audience;
    if (audience?.length === 1 && audience[0] === this.config.ownAudience) return true;
    context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('www-authenticate', 'Bearer error="invalid_token"');
    throw new AuthError(
      'invalid_token',
      `Admin routes need an access token for ${this.config.ownAudience} alone: ` +
        `log in or refresh with "audience": "${this.config.ownAudience}"`,
      'aud is not exactly the own audience',
    );
  }
}
