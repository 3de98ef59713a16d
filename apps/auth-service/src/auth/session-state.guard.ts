import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { authError } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import type { FastifyReply } from 'fastify';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { SessionsService } from '../sessions/sessions.service';

/**
 * auth-service owns the sessions, so its own protected routes also ask the database: a
 * session ended a millisecond ago is refused here even before the revocation news arrives
 * (or when Redis is down). Downstream services never do this; they rely on the push.
 * Exchanged tokens (with `act`) are refused here outright.
 */
@Injectable()
export class SessionStateGuard implements CanActivate {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) return true;
    // An exchanged token (RFC 8693) is for the one service it names, never for auth-service:
    // none is issued for it, and a service must not act here on a user's behalf.
    if (user.actor !== undefined) {
      context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('www-authenticate', 'Bearer error="invalid_token"');
      throw authError('invalid_token', 'exchanged tokens are not accepted by auth-service');
    }
    const state = await this.sessions.state(user.sessionId, this.clock.now());
    const code = !state.live ? 'session_revoked' : isStale(user, state) ? 'token_stale' : undefined;
    if (code) {
      context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('www-authenticate', 'Bearer error="invalid_token"');
      throw authError(code);
    }
    return true;
  }
}

/**
 * The token says something the database no longer does: another role, another e-mail
 * state, another sign-in strength for its session (a step-up), or another answer to "has a
 * second factor" (enrolled or removed since). Claims a token lacks (older tokens) are not
 * compared, except `mfa_enrolled`: its absence counts as "not enrolled".
 */
function isStale(
  user: AuthUser,
  state: { role?: string; emailVerified?: boolean; aal?: string; mfaEnrolled?: boolean },
): boolean {
  return (
    state.role !== user.role ||
    (user.emailVerified !== undefined && state.emailVerified !== user.emailVerified) ||
    (user.aal !== undefined && state.aal !== user.aal) ||
    (state.mfaEnrolled ?? false) !== (user.mfaEnrolled ?? false)
  );
}
