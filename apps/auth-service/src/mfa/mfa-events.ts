import { Injectable } from '@nestjs/common';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuthEvents } from '../events/auth-events.service';
import type { NewAuthEvent } from '../events/auth-events.service';

/** Why a code was refused, as `details.reason` of the `login_failed` it leaves. */
export type CodeRefusal = 'not_enrolled' | 'wrong_code' | 'code_reused' | 'wrong_recovery_code';

/** How a session was lifted: the `amr` value it gained, as `details.method`. */
export type StepUpMethod = 'otp' | 'recovery';

/**
 * The audit trail of TOTP and step-up (docs/webhooks.md lists the types). Changes are written
 * in the caller's transaction; a refused code right after the decision, outside the rolled
 * back one, like a failed password. No code, seed or recovery code is ever put in `details`.
 */
@Injectable()
export class MfaEvents {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: AuthEvents,
  ) {}

  enrolled(tx: EntityManager, user: AuthUser, now: Date): Promise<void> {
    return this.events.record(
      tx,
      { ...this.about(user), type: 'mfa_enrolled', details: TOTP },
      now,
    );
  }

  disabled(tx: EntityManager, user: AuthUser, now: Date): Promise<void> {
    return this.events.record(
      tx,
      { ...this.about(user), type: 'mfa_disabled', details: TOTP },
      now,
    );
  }

  /**
   * A session lifted to aal2 by a code; a recovery code also leaves `mfa_recovery_code_used`
   * with how many are left, so running low (or a code the user did not spend) shows.
   */
  async verified(
    tx: EntityManager,
    user: AuthUser,
    method: StepUpMethod,
    now: Date,
  ): Promise<void> {
    const about = this.about(user);
    const events: NewAuthEvent[] = [];
    if (method === 'recovery') {
      const [{ remaining }]: { remaining: number }[] = await tx.query(
        `SELECT count(*)::int AS remaining FROM mfa_recovery_codes
         WHERE user_id = $1 AND used_at IS NULL`,
        [user.userId],
      );
      events.push({ ...about, type: 'mfa_recovery_code_used', details: { remaining } });
    }
    events.push({ ...about, type: 'mfa_verified', details: { method } });
    await this.events.recordMany(tx, events, now);
  }

  /** A refused code or recovery code: `login_failed`, as a wrong password is. */
  refused(user: AuthUser, method: StepUpMethod, reason: CodeRefusal, now: Date): Promise<void> {
    const details = { reason, method };
    const event = { ...this.about(user), type: 'login_failed' as const, details };
    return this.events.record(this.dataSource.manager, event, now);
  }

  private about(user: AuthUser) {
    return { userId: user.userId, sessionId: user.sessionId };
  }
}

const TOTP = { method: 'totp' };
