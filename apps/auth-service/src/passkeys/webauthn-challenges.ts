import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';

export type ChallengePurpose = 'register' | 'login';

/**
 * WebAuthn challenges, kept server side (any replica may receive the answer) and spent once:
 * `consume` deletes the row it matches, so of two answers carrying one challenge only the
 * first gets past it. Each expires after AUTH_WEBAUTHN_CHALLENGE_TTL. Every issue also
 * sweeps a bounded batch of expired rows, so the table stays as small as the issue rate
 * (itself throttled for anonymous callers) times the lifetime.
 */
@Injectable()
export class WebAuthnChallenges {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly dataSource: DataSource,
  ) {}

  async issue(
    challenge: string,
    purpose: ChallengePurpose,
    userId: string | null,
    now: Date,
  ): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM webauthn_challenges WHERE challenge IN (
         SELECT challenge FROM webauthn_challenges WHERE expires_at < $1 LIMIT 100)`,
      [now],
    );
    const expiresAt = new Date(now.getTime() + this.config.webauthn.challengeTtl * 1000);
    await this.dataSource.query(
      'INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4)',
      [challenge, purpose, userId, expiresAt],
    );
  }

  /** True once for a live challenge of this purpose (and user, for registrations). */
  async consume(
    challenge: string,
    purpose: ChallengePurpose,
    userId: string | null,
    now: Date,
  ): Promise<boolean> {
    if (typeof challenge !== 'string' || challenge.length > 128) return false;
    const rows: unknown[] = await this.dataSource.query(
      `WITH spent AS (
         DELETE FROM webauthn_challenges
         WHERE challenge = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3 AND expires_at > $4
         RETURNING 1)
       SELECT * FROM spent`,
      [challenge, purpose, userId, now],
    );
    return rows.length === 1;
  }
}
