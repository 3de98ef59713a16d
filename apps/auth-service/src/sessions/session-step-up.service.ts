import { Injectable } from '@nestjs/common';
import type { AuthMethod, Role } from '@hybrid-auth/auth-guard';
import type { EntityManager } from 'typeorm';
import { enrolledSql } from '../mfa/enrolled';
import type { SignInStrength } from '../tokens/access-tokens.service';
import { formatRefreshToken, hashSecret, randomSecret } from './refresh-token';
import type { SessionUser } from './sessions.service';

export interface LiftedSession {
  user: SessionUser;
  strength: SignInStrength;
  refreshToken: string;
  expiresAt: Date;
}

/**
 * Lifts a live session to `aal2` after a second factor: same session id, `amr` gains the
 * method, `auth_time` becomes now. The refresh-token chain starts afresh (a new random
 * secret at the next generation): the aal1 refresh token the client held no longer
 * refreshes at all (it reads as forged, not as reuse, so it ends nothing), and only the
 * holder of the new pair continues at aal2.
 */
@Injectable()
export class SessionStepUpService {
  async lift(
    tx: EntityManager,
    sessionId: string,
    userId: string,
    method: AuthMethod,
    now: Date,
  ): Promise<LiftedSession | undefined> {
    const secret = randomSecret();
    const rows: {
      generation: number;
      expires_at: Date;
      amr: AuthMethod[];
      email: string;
      role: Role;
      email_verified: boolean;
      mfa_enrolled: boolean;
    }[] = await tx.query(
      `WITH lifted AS (
         UPDATE sessions s SET aal = 'aal2', auth_time = $4, last_used_at = $4, rotated_at = NULL,
                amr = CASE WHEN $3 = ANY(s.amr) THEN s.amr ELSE s.amr || $3::text END,
                token_hash = $5, generation = s.generation + 1
         FROM users u
         WHERE s.id = $1 AND s.user_id = $2 AND u.id = s.user_id AND s.revoked_at IS NULL
           AND s.expires_at > $4 AND u.disabled_at IS NULL
           AND s.credential_version = u.credential_version
         RETURNING s.generation, s.expires_at, s.amr, u.email, u.role, u.email_verified,
                   ${enrolledSql('u.id')} AS mfa_enrolled)
       SELECT * FROM lifted`,
      [sessionId, userId, method, now, hashSecret(secret)],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      user: { id: userId, email: row.email, role: row.role, emailVerified: row.email_verified },
      strength: { aal: 'aal2', amr: row.amr, authTime: now, mfaEnrolled: row.mfa_enrolled },
      refreshToken: formatRefreshToken({ sessionId, generation: row.generation, secret }),
      expiresAt: row.expires_at,
    };
  }
}
