import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { SessionRotationService } from '../sessions/session-rotation.service';
import { SessionsService } from '../sessions/sessions.service';
import type { ClientInfo, SessionUser } from '../sessions/sessions.service';
import { AccessTokensService } from '../tokens/access-tokens.service';
import type { IssuedAccessToken, TokenAudience } from '../tokens/access-tokens.service';
import type { User } from '../users/user.entity';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService, normalizeEmail } from '../users/users.service';
import { AuthEvents } from '../events/auth-events.service';
import { AuthMetrics } from '../metrics/auth-metrics';
import { parseRefreshToken } from '../sessions/refresh-token';
import { LoginThrottleService } from './login-throttle.service';
import { RequestThrottleService } from './request-throttle.service';

export interface TokenResult {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  sessionId: string;
  user: SessionUser;
}

const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'Email or password is incorrect');

/** Sign-in, rotation and sign-out flows; each touches users, sessions and tokens. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly rotation: SessionRotationService,
    private readonly tokens: AccessTokensService,
    private readonly throttle: LoginThrottleService,
    private readonly limits: RequestThrottleService,
    private readonly metrics: AuthMetrics,
    private readonly events: AuthEvents,
  ) {}

  /**
   * Unknown email, wrong password and disabled account give the same answer after the same
   * work (an argon2 verification against a dummy hash when there is no user). So does a
   * login that checked a password changed (or an account disabled) while it ran: it starts
   * no session (see SessionsService.create).
   */
  async login(
    email: string,
    password: string,
    client: ClientInfo & { ip: string },
    audience: TokenAudience = 'services',
  ): Promise<TokenResult> {
    const normalized = normalizeEmail(email);
    await this.throttle.attempt(normalized, client.ip).catch((error: unknown) => {
      this.metrics.logins.inc({ outcome: 'rate_limited' });
      throw error;
    });
    const found = await this.users.findCredentials(normalized);
    const valid = await this.hasher.verify(found?.passwordHash, password);
    const now = this.clock.now();
    const started =
      found && valid && !found.user.disabledAt
        ? await this.startSession(found.user, client, now)
        : undefined;
    if (!found || !started) {
      this.metrics.logins.inc({ outcome: 'invalid_credentials' });
      this.logger.log({ msg: 'login failed', ip: client.ip });
      // Right after the decision, outside any transaction. Bounded by the throttle above;
      // the address tried is not kept (it may be a mistyped password).
      const reason = !found
        ? 'unknown_email'
        : !valid
          ? 'wrong_password'
          : found.user.disabledAt
            ? 'disabled'
            : 'credentials_changed';
      await this.events.record(
        this.dataSource.manager,
        { type: 'login_failed', userId: found?.user.id, details: { reason }, ...client },
        now,
      );
      throw invalidCredentials();
    }
    await this.throttle.succeeded(normalized, client.ip);
    this.metrics.logins.inc({ outcome: 'ok' });
    const { session, refreshToken, mfaEnrolled } = started;
    const { id, email: address, role, emailVerified } = found.user;
    const user = { id, email: address, role, emailVerified };
    const strength = { aal: 'aal1', amr: ['pwd'], authTime: now, mfaEnrolled } as const;
    const access = this.tokens.issue(user, session.id, strength, audience);
    return tokenResult(user, session.id, refreshToken, session.expiresAt, now, access);
  }

  /** The new session and its `login_succeeded` event commit together. */
  private startSession(user: User, client: ClientInfo & { ip: string }, now: Date) {
    return this.dataSource.transaction(async (tx) => {
      const started = await this.sessions.create(user, client, now, { tx });
      if (started) {
        const { session } = started;
        const event = { type: 'login_succeeded' as const, userId: user.id, sessionId: session.id };
        await this.events.record(tx, { ...event, ...client }, now);
      }
      return started;
    });
  }

  async refresh(
    refreshToken: unknown,
    client: ClientInfo & { ip: string },
    audience: TokenAudience = 'services',
  ): Promise<TokenResult> {
    await this.limits.sessionRequest('refresh', parseRefreshToken(refreshToken), client.ip);
    const now = this.clock.now();
    const outcome = await this.rotation.refresh(refreshToken, client, now);
    this.metrics.refreshes.inc({ outcome: outcome.kind });
    switch (outcome.kind) {
      case 'invalid':
        throw new ApiError(401, 'invalid_refresh_token', 'The refresh token is not valid');
      case 'reused':
        this.logger.warn({
          msg: 'refresh token reuse detected: session revoked',
          sessionId: outcome.sessionId,
        });
        throw new ApiError(
          401,
          'refresh_token_reused',
          'This refresh token was already used; the session has been ended for safety',
        );
      default:
        return tokenResult(
          outcome.user,
          outcome.session.id,
          outcome.refreshToken,
          outcome.session.expiresAt,
          now,
          // Rotation (and its grace replay) is unchanged; only the access token's audience differs.
          audience === 'services'
            ? outcome.access
            : this.tokens.issue(outcome.user, outcome.session.id, outcome.strength, audience),
        );
    }
  }

  /**
   * Ends the session of a verified access token, or else of a genuine refresh token. Idempotent.
   * Only the refresh-token way is throttled: it is the one that costs HMACs.
   */
  async logout(user: AuthUser | undefined, refreshToken: unknown, ip: string): Promise<void> {
    const now = this.clock.now();
    if (user) {
      await this.sessions.revoke(user.userId, user.sessionId, 'logout', now);
      return;
    }
    if (refreshToken === undefined) return;
    await this.limits.sessionRequest('logout', parseRefreshToken(refreshToken), ip);
    const target = await this.sessions.sessionOfRefreshToken(refreshToken, now);
    if (target) await this.sessions.revoke(target.userId, target.id, 'logout', now);
  }

  async logoutAll(user: AuthUser, scope: 'all' | 'others'): Promise<void> {
    const except = scope === 'others' ? user.sessionId : undefined;
    await this.dataSource.transaction((tx) =>
      this.sessions.revokeAllOfUser(tx, user.userId, 'logout_all', this.clock.now(), except),
    );
  }

  /**
   * Checks the current password, stores the new hash and ends every other session, atomically.
   * Attempts are counted before argon2, like sign-ins; the current session carries on under the
   * new credential version.
   */
  async changePassword(
    user: AuthUser,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<void> {
    const key = `password-change:${user.userId}`;
    await this.throttle.attempt(key, ip);
    const current = await this.users.passwordHashOf(user.userId);
    if (!(await this.hasher.verify(current, currentPassword))) throw invalidCredentials();
    await this.throttle.succeeded(key, ip);
    const hash = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      const version = await this.users.setPasswordHash(tx, user.userId, hash, now);
      await this.sessions.adoptCredentialVersion(tx, user.sessionId, version);
      await this.sessions.revokeAllOfUser(tx, user.userId, 'password_changed', now, user.sessionId);
      const event = { userId: user.userId, sessionId: user.sessionId };
      await this.events.record(tx, { type: 'password_changed', ...event }, now);
    });
  }
}

/** The token response of login, refresh, and the MFA routes that lift a session. */
export function tokenResult(
  user: SessionUser,
  sessionId: string,
  refreshToken: string,
  expiresAt: Date,
  now: Date,
  access: IssuedAccessToken,
): TokenResult {
  const { accessToken, expiresIn } = access;
  return {
    tokenType: 'Bearer',
    accessToken,
    expiresIn,
    refreshToken,
    refreshExpiresIn: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
    sessionId,
    user: { id: user.id, email: user.email, role: user.role, emailVerified: user.emailVerified },
  };
}
