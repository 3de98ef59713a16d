import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '@hybrid-auth/platform';
import type { Role } from '@hybrid-auth/auth-guard';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { decodeCursor, encodeCursor } from '../events/cursor';
import type { Page } from '../events/cursor';
import { SessionsService } from '../sessions/sessions.service';

export interface DirectoryUser {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  emailVerified: boolean;
  createdAt: Date;
}

export interface AdminSessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** Finding users and ending their sessions, for admins. */
@Injectable()
export class AdminDirectoryService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * Users in e-mail order (the unique lower(email) index is the keyset: stable pages, no
   * OFFSET), optionally those whose address contains `query`. The search is `strpos`, not
   * LIKE: the caller's `%` and `_` are plain characters, nothing to escape or abuse.
   */
  async list(query: string | undefined, cursor: string | undefined, limit: number) {
    // Any stored address can be a key: only its length is bounded.
    const after = decodeCursor('u', cursor, /^.{1,320}$/s);
    const needle = query?.trim().normalize('NFC').toLowerCase() || null;
    const rows: (DirectoryUser & { key: string })[] = await this.dataSource.query(
      `SELECT id, email, role, disabled_at IS NOT NULL AS disabled, email_verified AS "emailVerified",
              created_at AS "createdAt", lower(email) AS key
       FROM users
       WHERE ($1::text IS NULL OR strpos(lower(email), $1::text) > 0)
         AND ($2::text IS NULL OR lower(email) > $2::text)
       ORDER BY lower(email) LIMIT $3`,
      [needle, after ?? null, limit + 1],
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const page: Page<DirectoryUser> = {
      items: items.map(({ key: _key, ...user }) => user),
      nextCursor: rows.length > limit && last ? encodeCursor('u', last.key) : null,
    };
    return page;
  }

  /** The user's sessions that can still be refreshed, newest first; 404 for no such user. */
  async sessionsOf(userId: string): Promise<AdminSessionView[]> {
    await this.mustExist(userId);
    const sessions = await this.sessions.listLive(userId, this.clock.now());
    return sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent,
      ip: s.ip,
    }));
  }

  /** Ends every session of the user, pushed like logout-all; 404 for no such user. */
  async revokeAll(userId: string): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      const found: unknown[] = await tx.query('SELECT 1 FROM users WHERE id = $1 FOR SHARE', [
        userId,
      ]);
      if (found.length === 0) throw notFound('User');
      await this.sessions.revokeAllOfUser(tx, userId, 'admin_revoked', now);
    });
  }

  private async mustExist(userId: string): Promise<void> {
    const found: unknown[] = await this.dataSource.query('SELECT 1 FROM users WHERE id = $1', [
      userId,
    ]);
    if (found.length === 0) throw notFound('User');
  }
}
