import { Inject, Injectable } from '@nestjs/common';
import type { Aal, AuthMethod, Role } from '@hybrid-auth/auth-guard';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { enrolledSql } from '../mfa/enrolled';
import { RevocationOutbox } from '../revocation/revocation-outbox';
import { RefreshKeyProvider } from './refresh-key.provider';
import {
  formatRefreshToken,
  hashSecret,
  parseRefreshToken,
  randomSecret,
  standing,
} from './refresh-token';
import { SESSION_COLUMNS, Session } from './session.entity';
import type { RevokeReason } from './session.entity';

export interface ClientInfo {
  userAgent: string | undefined;
  ip: string | undefined;
}

/** How a session was signed in: a password (`aal1`), a passkey (`aal2`). */
export interface SignInMethod {
  aal: Aal;
  amr: readonly AuthMethod[];
}

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  emailVerified: boolean;
}

@Injectable()
export class SessionsService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly dataSource: DataSource,
    private readonly refreshKey: RefreshKeyProvider,
    private readonly outbox: RevocationOutbox,
  ) {}

  /**
   * Starts a new session (every login does) for a user as the login saw it: only if the
   * user's credential version is still `credentialVersion` and the user is enabled, else
   * undefined. A login reads the password hash, spends ~13 ms in argon2, then gets here; a
   * password change or a disable committed meanwhile bumped the version, so a login that
   * checked the old password starts nothing. FOR SHARE closes the last gap: a change still
   * in flight holds the user row, so this insert waits for its commit and then sees the new
   * version; a change that starts after this insert waits for it, and then revokes this
   * session with the others.
   */
  async create(
    user: { id: string; credentialVersion: number },
    client: ClientInfo,
    now: Date,
    options: { method?: SignInMethod; tx?: Pick<EntityManager, 'query'> } = {},
  ): Promise<{ session: Session; refreshToken: string; mfaEnrolled: boolean } | undefined> {
    const { method = { aal: 'aal1', amr: ['pwd'] }, tx = this.dataSource } = options;
    const secret = randomSecret();
    const expiresAt = new Date(now.getTime() + this.config.refreshTokenTtl * 1000);
    const rows: Session[] = await tx.query(
      `WITH unchanged AS (
         SELECT id FROM users WHERE id = $1 AND credential_version = $7 AND disabled_at IS NULL
         FOR SHARE)
       INSERT INTO sessions (user_id, token_hash, generation, created_at, last_used_at, expires_at,
                             user_agent, ip, credential_version, aal, amr, auth_time)
       SELECT id, $2, 0, $3, $3, $4, $5, $6, $7, $8, $9, $3 FROM unchanged
       RETURNING ${SESSION_COLUMNS}, ${enrolledSql('sessions.user_id')} AS "mfaEnrolled"`,
      [
        user.id,
        hashSecret(secret),
        now,
        expiresAt,
        truncate(client.userAgent, 256),
        truncate(client.ip, 64),
        user.credentialVersion,
        method.aal,
        [...method.amr],
      ],
    );
    const session = rows[0] as (Session & { mfaEnrolled: boolean }) | undefined;
    if (!session) return undefined;
    return {
      session,
      mfaEnrolled: session.mfaEnrolled,
      refreshToken: formatRefreshToken({ sessionId: session.id, generation: 0, secret }),
    };
  }

  /**
   * The live session a genuine refresh token (current or a few earlier ones) belongs to, or
   * undefined. An ended or expired session is not walked at all: there is nothing to end.
   */
  async sessionOfRefreshToken(
    presented: unknown,
    now: Date,
  ): Promise<{ id: string; userId: string } | undefined> {
    const token = parseRefreshToken(presented);
    if (!token) return undefined;
    const row = await this.dataSource.getRepository(Session).findOne({
      select: { userId: true, tokenHash: true, generation: true },
      where: { id: token.sessionId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
    });
    if (!row) return undefined;
    const where = standing(this.refreshKey.get(), token, {
      generation: row.generation,
      hash: row.tokenHash,
    });
    return where.kind === 'forged' ? undefined : { id: token.sessionId, userId: row.userId };
  }

  /** The session that changed the password carries on under the new credential version. */
  async adoptCredentialVersion(
    tx: EntityManager,
    sessionId: string,
    credentialVersion: number,
  ): Promise<void> {
    await tx.query('UPDATE sessions SET credential_version = $2 WHERE id = $1', [
      sessionId,
      credentialVersion,
    ]);
  }

  /** Ends one session of a user. True if it exists (whether or not it was already ended). */
  async revoke(
    userId: string,
    sessionId: string,
    reason: RevokeReason,
    now: Date,
  ): Promise<boolean> {
    const owned: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2',
      [sessionId, userId],
    );
    if (owned.length === 0) return false;
    await this.dataSource.transaction((tx) => this.revokeIds(tx, [sessionId], reason, now));
    return true;
  }

  /** Ends every live session of a user, except one if given. Runs in the caller's transaction. */
  async revokeAllOfUser(
    tx: EntityManager,
    userId: string,
    reason: RevokeReason,
    now: Date,
    exceptSessionId?: string,
  ): Promise<number> {
    const revoked: { id: string; user_id: string }[] = await tx.query(
      // Wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
      `WITH revoked AS (
         UPDATE sessions SET revoked_at = $3, revoke_reason = $4
         WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)
         RETURNING id, user_id)
       SELECT id, user_id FROM revoked`,
      [userId, exceptSessionId ?? null, now, reason],
    );
    await this.outbox.sessionsRevoked(
      tx,
      revoked.map((r) => ({ id: r.id, userId: r.user_id })),
      reason,
      now,
    );
    return revoked.length;
  }

  /** The caller's sessions that can still be refreshed, newest first. */
  async listLive(userId: string, now: Date): Promise<Session[]> {
    return this.dataSource.getRepository(Session).find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC' },
    });
  }

  /** For auth-service's own routes: is the session still live, and what is the user's role now? */
  async state(
    sessionId: string,
    now: Date,
  ): Promise<{
    live: boolean;
    role: Role | undefined;
    emailVerified?: boolean;
    aal?: Aal;
    mfaEnrolled?: boolean;
  }> {
    const rows: {
      aal: Aal;
      mfa_enrolled: boolean;
      revoked_at: Date | null;
      expires_at: Date;
      role: Role;
      email_verified: boolean;
      disabled_at: Date | null;
      current_credentials: boolean;
    }[] = await this.dataSource.query(
      `SELECT s.revoked_at, s.expires_at, u.role, u.email_verified, u.disabled_at, s.aal,
              ${enrolledSql('u.id')} AS mfa_enrolled,
              s.credential_version = u.credential_version AS current_credentials
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    const row = rows[0];
    if (!row) return { live: false, role: undefined };
    const live =
      !row.revoked_at && !row.disabled_at && row.expires_at > now && row.current_credentials;
    return {
      live,
      role: row.role,
      emailVerified: row.email_verified,
      aal: row.aal,
      mfaEnrolled: row.mfa_enrolled,
    };
  }

  /** Ends the given sessions inside the caller's transaction, with their revocation events. */
  async revokeIds(
    tx: EntityManager,
    ids: string[],
    reason: RevokeReason,
    now: Date,
  ): Promise<void> {
    const revoked: { id: string; user_id: string }[] = await tx.query(
      `WITH revoked AS (
         UPDATE sessions SET revoked_at = $2, revoke_reason = $3
         WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL RETURNING id, user_id)
       SELECT id, user_id FROM revoked`,
      [ids, now, reason],
    );
    await this.outbox.sessionsRevoked(
      tx,
      revoked.map((r) => ({ id: r.id, userId: r.user_id })),
      reason,
      now,
    );
  }
}

export function truncate(value: string | undefined, max: number): string | null {
  return value === undefined ? null : value.slice(0, max);
}
