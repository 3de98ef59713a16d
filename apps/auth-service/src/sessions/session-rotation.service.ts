import { Inject, Injectable } from '@nestjs/common';
import type { Aal, AuthMethod, Role } from '@hybrid-auth/auth-guard';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { AccessTokensService } from '../tokens/access-tokens.service';
import type { IssuedAccessToken, SignInStrength } from '../tokens/access-tokens.service';
import { enrolledSql } from '../mfa/enrolled';
import { RefreshKeyProvider } from './refresh-key.provider';
import {
  deriveNextSecret,
  formatRefreshToken,
  hashSecret,
  parseRefreshToken,
  standing,
} from './refresh-token';
import type { RefreshToken } from './refresh-token';
import { Session } from './session.entity';
import { SessionsService, truncate } from './sessions.service';
import type { ClientInfo, SessionUser } from './sessions.service';

/**
 * What a refresh attempt came to. `replayed`: the previous token inside the grace window,
 * answered with the same refresh token as the rotation it repeats and a fresh access token
 * for the same session.
 */
export type RefreshOutcome =
  | {
      kind: 'rotated' | 'replayed';
      session: Session;
      user: SessionUser;
      strength: SignInStrength;
      refreshToken: string;
      access: IssuedAccessToken;
    }
  | { kind: 'invalid' }
  | { kind: 'reused'; sessionId: string };

interface LockedRow {
  id: string;
  user_id: string;
  token_hash: Buffer;
  generation: number;
  rotated_at: Date | null;
  expires_at: Date;
  revoked_at: Date | null;
  /** The user's credential version when the session began, and the user's now. */
  session_credentials: number;
  user_credentials: number;
  email: string;
  role: Role;
  email_verified: boolean;
  disabled_at: Date | null;
  aal: Aal;
  amr: AuthMethod[];
  auth_time: Date;
  mfa_enrolled: boolean;
}

/** Refresh-token rotation with reuse detection: the one place a refresh token is spent. */
@Injectable()
export class SessionRotationService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly dataSource: DataSource,
    private readonly refreshKey: RefreshKeyProvider,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokensService,
  ) {}

  /**
   * Rotation. The session row is locked for the whole decision, so racing refreshes of one
   * session queue up and each sees the previous one's result: twenty requests with the same
   * token rotate exactly once, and the nineteen others land in the grace path and receive
   * the same new token. A genuine older token, or the previous one after the grace window,
   * is theft: the session is revoked (the revocation commits; the caller is told `reused`).
   * A session begun before the user's password last changed (or the user was disabled) is
   * refused even if it somehow escaped revocation.
   */
  async refresh(presented: unknown, client: ClientInfo, now: Date): Promise<RefreshOutcome> {
    const token = parseRefreshToken(presented);
    if (!token) return { kind: 'invalid' };
    return this.dataSource.transaction('READ COMMITTED', async (tx) => {
      const rows: LockedRow[] = await tx.query(
        `SELECT s.id, s.user_id, s.token_hash, s.generation, s.rotated_at, s.expires_at, s.revoked_at,
                s.credential_version AS session_credentials, u.credential_version AS user_credentials,
                u.email, u.role, u.email_verified, u.disabled_at, s.aal, s.amr, s.auth_time,
                ${enrolledSql('u.id')} AS mfa_enrolled
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = $1 FOR UPDATE OF s`,
        [token.sessionId],
      );
      const row = rows[0];
      if (!row || !isLive(row, now)) return { kind: 'invalid' };
      const where = standing(this.refreshKey.get(), token, {
        generation: row.generation,
        hash: row.token_hash,
      });
      switch (where.kind) {
        case 'forged':
          return { kind: 'invalid' };
        case 'current':
          return this.rotate(tx, row, token, client, now);
        case 'previous': {
          const inGrace =
            row.rotated_at !== null &&
            now.getTime() - row.rotated_at.getTime() <= this.config.refreshReuseGrace * 1000;
          if (inGrace) {
            const refreshToken = formatRefreshToken({
              ...token,
              generation: row.generation,
              secret: where.currentSecret,
            });
            return {
              kind: 'replayed',
              session: toSession(row),
              user: toUser(row),
              strength: toStrength(row),
              refreshToken,
              access: this.tokens.issue(toUser(row), row.id, toStrength(row)),
            };
          }
          await this.sessions.revokeIds(tx, [row.id], 'reuse_detected', now);
          return { kind: 'reused', sessionId: row.id };
        }
        case 'older':
          await this.sessions.revokeIds(tx, [row.id], 'reuse_detected', now);
          return { kind: 'reused', sessionId: row.id };
      }
    });
  }

  /**
   * Whether `presented` is the current or the previous token of a live session: at most one
   * HMAC and no row lock. Lets the owner of a session through its per-session rate limit
   * while someone who only knows the session id floods it (see RequestThrottleService).
   */
  async holdsRecentToken(presented: RefreshToken, now: Date): Promise<boolean> {
    const row = await this.dataSource.getRepository(Session).findOne({
      select: { tokenHash: true, generation: true },
      where: { id: presented.sessionId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
    });
    if (!row) return false;
    const { tokenHash: hash, generation } = row;
    const where = standing(this.refreshKey.get(), presented, { generation, hash }, 1);
    return where.kind === 'current' || where.kind === 'previous';
  }

  private async rotate(
    tx: EntityManager,
    row: LockedRow,
    token: RefreshToken,
    client: ClientInfo,
    now: Date,
  ): Promise<RefreshOutcome> {
    const generation = row.generation + 1;
    const key = this.refreshKey.get();
    const secret = deriveNextSecret(key, row.id, generation, token.secret);
    const access = this.tokens.issue(toUser(row), row.id, toStrength(row));
    await tx.query(
      `UPDATE sessions SET token_hash = $2, generation = $3, rotated_at = $4, last_used_at = $4,
              ip = COALESCE($5, ip) WHERE id = $1`,
      [row.id, hashSecret(secret), generation, now, truncate(client.ip, 64)],
    );
    const session = { ...toSession(row), generation, lastUsedAt: now, rotatedAt: now };
    return {
      kind: 'rotated',
      session,
      user: toUser(row),
      strength: toStrength(row),
      refreshToken: formatRefreshToken({ sessionId: row.id, generation, secret }),
      access,
    };
  }
}

/** Not ended, not expired, the user enabled, and no credential change since it began. */
const isLive = (row: LockedRow, now: Date): boolean =>
  !row.revoked_at &&
  row.expires_at > now &&
  !row.disabled_at &&
  row.session_credentials === row.user_credentials;

function toSession(row: LockedRow): Session {
  return Object.assign(new Session(), {
    id: row.id,
    userId: row.user_id,
    generation: row.generation,
    rotatedAt: row.rotated_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  });
}

const toUser = (row: LockedRow): SessionUser => ({
  id: row.user_id,
  email: row.email,
  role: row.role,
  emailVerified: row.email_verified,
});

const toStrength = (row: LockedRow): SignInStrength => ({
  aal: row.aal,
  amr: row.amr,
  authTime: row.auth_time,
  mfaEnrolled: row.mfa_enrolled,
});
