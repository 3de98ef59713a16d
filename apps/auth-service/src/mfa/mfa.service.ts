import { Inject, Injectable } from '@nestjs/common';
import type { AuthMethod, AuthUser } from '@hybrid-auth/auth-guard';
import { ApiError, notFound } from '@hybrid-auth/platform';
import { renderSVG } from 'uqr';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { tokenResult } from '../auth/auth.service';
import type { TokenResult } from '../auth/auth.service';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { CLOCK } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import type { Clock } from '../clock';
import { RevocationOutbox } from '../revocation/revocation-outbox';
import { SessionStepUpService } from '../sessions/session-step-up.service';
import { AccessTokensService } from '../tokens/access-tokens.service';
import { UsersService } from '../users/users.service';
import { enrolledSql } from './enrolled';
import { MfaEvents } from './mfa-events';
import type { CodeRefusal, StepUpMethod } from './mfa-events';
import { RecoveryCodeStore } from './recovery-code-store';
import { newRecoveryCodes } from './recovery-codes';
import { matchStep, newTotpSecret, otpauthUrl } from './totp';
import { TotpFactors } from './totp-factors';

/** What authenticator apps show above the account name. */
export const TOTP_ISSUER = 'hybrid-auth';

const wrongCode = () => new ApiError(401, 'invalid_credentials', 'The code is not valid');

/** What a check answers for a refused code: its reason, and the transaction rolls back. */
class Refused {
  constructor(readonly reason: CodeRefusal) {}
}

/**
 * TOTP enrolment and step-up. Every code (and recovery code) is counted before it is checked,
 * per user and per client IP, with the password limits (LoginThrottleService); a right one
 * clears the user's count. Whatever changes the session's strength or the user's factors
 * writes a `mfa_changed` user event in the same transaction: outstanding tokens of the user
 * become `token_stale` everywhere, like a role change (docs/mfa.md). The audit events go in
 * the same transactions (MfaEvents); a refused step-up code leaves a `login_failed`.
 */
@Injectable()
export class MfaService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly factors: TotpFactors,
    private readonly recovery: RecoveryCodeStore,
    private readonly stepUp: SessionStepUpService,
    private readonly tokens: AccessTokensService,
    private readonly users: UsersService,
    private readonly outbox: RevocationOutbox,
    private readonly throttle: LoginThrottleService,
    private readonly audit: MfaEvents,
  ) {}

  /** What the account page shows: is TOTP on, how many recovery codes are left, passkeys. */
  async status(userId: string) {
    const rows: { totp: boolean; recovery: number; passkeys: number }[] =
      await this.dataSource.query(
        `SELECT ${enrolledSql('$1::uuid')} AS totp,
                (SELECT count(*)::int FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL) AS recovery,
                (SELECT count(*)::int FROM passkeys WHERE user_id = $1) AS passkeys`,
        [userId],
      );
    const { totp, recovery, passkeys } = rows[0];
    return { totpEnrolled: totp, recoveryCodesLeft: recovery, passkeys };
  }

  /**
   * A new seed, its otpauth URL, and the URL as a QR code (an SVG data URL drawn here by
   * `uqr`, so the page needs no QR library and the seed goes to no third party).
   */
  async enroll(user: AuthUser): Promise<{ secret: string; otpauthUrl: string; qrCode: string }> {
    const found = await this.users.findById(user.userId);
    if (!found) throw notFound('User');
    const secret = newTotpSecret();
    if (!(await this.factors.startEnrolment(user.userId, secret, this.clock.now()))) {
      throw new ApiError(400, 'validation_failed', 'TOTP is already set up: remove it first', {
        details: [{ field: 'totp', problems: ['already enrolled'] }],
      });
    }
    const url = otpauthUrl(secret, TOTP_ISSUER, found.email);
    const svg = renderSVG(url, { border: 2 });
    return {
      secret,
      otpauthUrl: url,
      qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }

  /** The first right code confirms the enrolment, hands out recovery codes, lifts the session. */
  async confirm(user: AuthUser, code: string, ip: string) {
    const factor = await this.factors.find(user.userId);
    if (!factor || factor.confirmed) throw notFound('TOTP enrolment');
    // A refused confirmation is not recorded: its code comes from a seed the caller was just
    // given, so it proves nothing about the account (throttled all the same).
    return this.checked(user, ip, undefined, async (tx, now) => {
      const step = matchStep(factor.secret, code, now.getTime());
      if (step === undefined) return new Refused('wrong_code');
      if (!(await this.factors.spendStep(tx, user.userId, factor, step, now))) {
        return new Refused('code_reused');
      }
      const recoveryCodes = newRecoveryCodes();
      await this.recovery.replace(tx, user.userId, recoveryCodes, now);
      const tokens = await this.lift(tx, user, 'otp', now);
      await this.audit.enrolled(tx, user, now);
      return { recoveryCodes, ...tokens };
    });
  }

  /** Lifts an aal1 session of an enrolled user to aal2 with a code or a recovery code. */
  async verify(
    user: AuthUser,
    proof: { code?: string; recoveryCode?: string },
    ip: string,
  ): Promise<TokenResult> {
    const factor = await this.factors.find(user.userId);
    const method: StepUpMethod = proof.code !== undefined ? 'otp' : 'recovery';
    return this.checked(user, ip, method, async (tx, now) => {
      if (!factor?.confirmed) return new Refused('not_enrolled');
      if (proof.code !== undefined) {
        const step = matchStep(factor.secret, proof.code, now.getTime());
        if (step === undefined) return new Refused('wrong_code');
        if (!(await this.factors.spendStep(tx, user.userId, factor, step, now))) {
          return new Refused('code_reused');
        }
      } else if (!(await this.recovery.spend(tx, user.userId, proof.recoveryCode ?? '', now))) {
        return new Refused('wrong_recovery_code');
      }
      const lifted = await this.lift(tx, user, method, now);
      await this.audit.verified(tx, user, method, now);
      return lifted;
    });
  }

  async remove(user: AuthUser): Promise<void> {
    const now = this.clock.now();
    const removed = await this.dataSource.transaction(async (tx) => {
      if (!(await this.factors.remove(tx, user.userId))) return false;
      await this.outbox.userChanged(tx, user.userId, user.role, 'mfa_changed', now);
      await this.audit.disabled(tx, user, now);
      return true;
    });
    if (!removed) throw notFound('TOTP');
  }

  /**
   * Counts the attempt, then runs `check` in a transaction: a Refused from it (a wrong or
   * replayed code) rolls back, is recorded as `login_failed` when `method` is given, and
   * answers 401 `invalid_credentials`.
   */
  private async checked<T>(
    user: AuthUser,
    ip: string,
    method: StepUpMethod | undefined,
    check: (tx: EntityManager, now: Date) => Promise<T | Refused>,
  ): Promise<T> {
    const account = `mfa:${user.userId}`;
    await this.throttle.attempt(account, ip);
    const now = this.clock.now();
    const result = await this.dataSource
      .transaction(async (tx) => {
        const value = await check(tx, now);
        if (value instanceof Refused) throw value;
        return value;
      })
      .catch((error: unknown) => {
        if (error instanceof Refused) return error;
        throw error;
      });
    if (result instanceof Refused) {
      if (method) await this.audit.refused(user, method, result.reason, now);
      throw wrongCode();
    }
    await this.throttle.succeeded(account, ip);
    return result;
  }

  private async lift(
    tx: EntityManager,
    user: AuthUser,
    method: AuthMethod,
    now: Date,
  ): Promise<TokenResult> {
    const lifted = await this.stepUp.lift(tx, user.sessionId, user.userId, method, now);
    if (!lifted) throw new ApiError(401, 'session_revoked', 'The session has ended');
    await this.outbox.userChanged(tx, user.userId, lifted.user.role, 'mfa_changed', now);
    // An admin-only token (aud exactly auth-service) stays one: a step-up never widens it.
    const own = user.audience.length === 1 && user.audience[0] === this.config.ownAudience;
    const audience = own ? 'self' : 'services';
    const access = this.tokens.issue(lifted.user, user.sessionId, lifted.strength, audience);
    return tokenResult(
      lifted.user,
      user.sessionId,
      lifted.refreshToken,
      lifted.expiresAt,
      now,
      access,
    );
  }
}
