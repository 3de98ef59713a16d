import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '@hybrid-auth/platform';
import type { Role } from '@hybrid-auth/auth-guard';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AuthEvents } from '../events/auth-events.service';
import { RevocationOutbox } from '../revocation/revocation-outbox';
import { SessionsService } from '../sessions/sessions.service';
import type { AdminUserView } from './update-user.dto';

interface UserRow {
  id: string;
  email: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
}

@Injectable()
export class AdminUsersService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly outbox: RevocationOutbox,
    private readonly events: AuthEvents,
  ) {}

  /**
   * One transaction with the user row locked: the change and its revocation news commit
   * together. A role change marks the user's outstanding tokens stale everywhere; disabling
   * ends every session (and so every token of it).
   */
  async update(id: string, change: { role?: Role; disabled?: boolean }): Promise<AdminUserView> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const rows: UserRow[] = await tx.query(
        'SELECT id, email, role, disabled_at, created_at FROM users WHERE id = $1 FOR UPDATE',
        [id],
      );
      const user = rows[0];
      if (!user) throw notFound('User');
      if (change.role !== undefined && change.role !== user.role) {
        await tx.query('UPDATE users SET role = $2, updated_at = $3 WHERE id = $1', [
          id,
          change.role,
          now,
        ]);
        await this.outbox.roleChanged(tx, id, change.role, now);
        const details = { from: user.role, role: change.role };
        await this.events.record(tx, { type: 'role_changed', userId: id, details }, now);
        user.role = change.role;
      }
      if (change.disabled === true && !user.disabled_at) {
        // The credential version goes up with it: a login that checked the password before
        // this commit cannot start a session after it (see SessionsService.create).
        await tx.query(
          `UPDATE users SET disabled_at = $2, updated_at = $2, credential_version = credential_version + 1
           WHERE id = $1`,
          [id, now],
        );
        await this.sessions.revokeAllOfUser(tx, id, 'user_disabled', now);
        await this.events.record(tx, { type: 'user_disabled', userId: id }, now);
        user.disabled_at = now;
      } else if (change.disabled === false && user.disabled_at) {
        await tx.query('UPDATE users SET disabled_at = NULL, updated_at = $2 WHERE id = $1', [
          id,
          now,
        ]);
        await this.events.record(tx, { type: 'user_enabled', userId: id }, now);
        user.disabled_at = null;
      }
      return {
        id: user.id,
        email: user.email,
        role: user.role,
        disabled: user.disabled_at !== null,
        createdAt: user.created_at,
      };
    });
  }
}
