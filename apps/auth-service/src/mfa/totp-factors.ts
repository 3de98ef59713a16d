import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { isSealed, open, seal } from '../tokens/secret-box';

export interface TotpFactor {
  /** The base32 seed, opened. */
  secret: string;
  /** The stored form, to make a later conditional write apply only to this very seed. */
  stored: string;
  confirmed: boolean;
}

/**
 * The TOTP rows. Seeds are sealed under AUTH_SECRETS_KEY like the server's own secrets
 * (secret-box.ts), with the row's name `mfa_totp:<user id>` as associated data so a sealed
 * seed copied onto another user does not open. Without the key (development only: the
 * production config demands one for stored secrets) they are kept in clear, with a warning.
 */
@Injectable()
export class TotpFactors {
  private readonly logger = new Logger('TotpFactors');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** Starts (or restarts) an enrolment; false when the user already has a confirmed one. */
  async startEnrolment(userId: string, secret: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO mfa_totp (user_id, secret, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = EXCLUDED.created_at,
         last_used_step = NULL
       WHERE mfa_totp.confirmed_at IS NULL
       RETURNING 1`,
      [userId, this.sealSecret(userId, secret), now],
    );
    return rows.length === 1;
  }

  async find(userId: string): Promise<TotpFactor | undefined> {
    const rows: { secret: string; confirmed_at: Date | null }[] = await this.dataSource.query(
      'SELECT secret, confirmed_at FROM mfa_totp WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const secret = this.openSecret(userId, row.secret);
    return { secret, stored: row.secret, confirmed: row.confirmed_at !== null };
  }

  /**
   * Spends time step `step` of this factor: one conditional UPDATE, so of two replicas
   * checking the same code at once exactly one wins, and a code (or an earlier one) that was
   * accepted before is refused. `confirm` also turns a pending enrolment into a confirmed one.
   * False when the step was used, the seed changed meanwhile, or the state is not the expected.
   */
  async spendStep(
    tx: EntityManager,
    userId: string,
    factor: TotpFactor,
    step: number,
    now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH spent AS (
         UPDATE mfa_totp SET last_used_step = $2, confirmed_at = COALESCE(confirmed_at, $5)
         WHERE user_id = $1 AND secret = $3 AND (confirmed_at IS NOT NULL) = $4
           AND (last_used_step IS NULL OR last_used_step < $2)
         RETURNING 1)
       SELECT * FROM spent`,
      [userId, step, factor.stored, factor.confirmed, now],
    );
    return rows.length === 1;
  }

  /** Removes the factor and its recovery codes; true if there was one. */
  async remove(tx: EntityManager, userId: string): Promise<boolean> {
    await tx.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    const rows: unknown[] = await tx.query(
      'WITH gone AS (DELETE FROM mfa_totp WHERE user_id = $1 RETURNING 1) SELECT * FROM gone',
      [userId],
    );
    return rows.length === 1;
  }

  private sealSecret(userId: string, secret: string): string {
    const key = this.config.secretsKey;
    if (key) return seal(key, `mfa_totp:${userId}`, secret);
    this.logger.warn('TOTP seed stored in clear: set AUTH_SECRETS_KEY to encrypt it');
    return secret;
  }

  private openSecret(userId: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    const key = this.config.secretsKey;
    const clear = key ? open(key, `mfa_totp:${userId}`, stored) : undefined;
    // A seed we cannot open is a configuration fault, never a wrong code: fail loudly (500).
    if (clear === undefined) throw new Error('AUTH_SECRETS_KEY does not open a stored TOTP seed');
    return clear;
  }
}
