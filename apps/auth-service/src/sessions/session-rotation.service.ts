import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '@hybrid-auth/auth-guard';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { AccessTokensService } from '../tokens/access-tokens.service';
import type { IssuedAccessToken } from '../tokens/access-tokens.service';
import { RefreshKeyProvider } from './refresh-key.provider';
import {
  deriveNextSecret,
  formatRefreshToken,
  hashSecret,
  openGraceAnswer,
  parseRefreshToken,
  sealGraceAnswer,
  standing,
} from './refresh-token';
import type { RefreshToken } from './refresh-token';
import { Session } from './session.entity';
import { SessionsService, truncate } from './sessions.service';
import type { ClientInfo, SessionUser } from './sessions.service';

/**
 * What a refresh attempt came to. `replayed`: the previous token inside the grace window,
 * answered with the same pair as the rotation it repeats.
 */
export type RefreshOutcome =
  | {
      kind: 'rotated' | 'replayed';
      session: Session;
      user: SessionUser;
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
  grace_answer: Buffer | null;
  email: string;
  role: Role;
  disabled_at: Date | null;
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
   */
  async refresh(presented: unknown, client: ClientInfo, now: Date): Promise<RefreshOutcome> {
    const token = parseRefreshToken(presented);
    if (!token) return { kind: 'invalid' };
    return this.dataSource.transaction('READ COMMITTED', async (tx) => {
      const rows: LockedRow[] = await tx.query(
        `SELECT s.id, s.user_id, s.token_hash, s.generation, s.rotated_at, s.expires_at, s.revoked_at,
                s.grace_answer, u.email, u.role, u.disabled_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = $1 FOR UPDATE OF s`,
        [token.sessionId],
      );
      const row = rows[0];
      if (!row || row.revoked_at || row.expires_at <= now || row.disabled_at)
        return { kind: 'invalid' };
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
            const access =
              this.graceAccess(row, token, now) ?? this.tokens.issue(toUser(row), row.id);
            return {
              kind: 'replayed',
              session: toSession(row),
              user: toUser(row),
              refreshToken,
              access,
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
    const access = this.tokens.issue(toUser(row), row.id);
    const sealed = sealGraceAnswer(key, row.id, generation, token.secret, access.accessToken);
    await tx.query(
      `UPDATE sessions SET token_hash = $2, generation = $3, rotated_at = $4, last_used_at = $4,
              ip = COALESCE($5, ip), grace_answer = $6 WHERE id = $1`,
      [row.id, hashSecret(secret), generation, now, truncate(client.ip, 64), sealed],
    );
    const session = { ...toSession(row), generation, lastUsedAt: now, rotatedAt: now };
    return {
      kind: 'rotated',
      session,
      user: toUser(row),
      refreshToken: formatRefreshToken({ sessionId: row.id, generation, secret }),
      access,
    };
  }

  /**
   * The access token the rotation handed out, opened with the secret the replay presents;
   * undefined (a new one is signed) if it cannot be opened, carries a role the user no
   * longer has, or is about to expire.
   */
  private graceAccess(
    row: LockedRow,
    token: RefreshToken,
    now: Date,
  ): IssuedAccessToken | undefined {
    const key = this.refreshKey.get();
    const accessToken = openGraceAnswer(
      key,
      row.id,
      row.generation,
      token.secret,
      row.grace_answer,
    );
    if (!accessToken) return undefined;
    const claims = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { role?: unknown; exp?: unknown };
    const expiresIn =
      typeof claims.exp === 'number' ? claims.exp - Math.floor(now.getTime() / 1000) : 0;
    if (claims.role !== row.role || expiresIn < 30) return undefined;
    return { accessToken, expiresIn };
  }
}

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
});
