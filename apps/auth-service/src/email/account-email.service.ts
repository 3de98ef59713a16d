import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { RequestThrottleService } from '../auth/request-throttle.service';
import { AuthEvents } from '../events/auth-events.service';
import { MailOutbox } from '../mail/mail-outbox';
import { mailTemplates } from '../mail/mail-templates';
import { RevocationOutbox } from '../revocation/revocation-outbox';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService, normalizeEmail } from '../users/users.service';
import type { PublicUser } from '../users/user.entity';
import { EmailTokens, newLinkToken } from './email-tokens';
import { ForgotPassword } from './forgot-password';

export const invalidEmailToken = () =>
  new ApiError(400, 'invalid_email_token', 'This link is invalid, used or expired');

/**
 * Registration, verification, password reset and e-mail change. Every mail is written to
 * the outbox in the transaction of the change it announces; no request waits for SMTP.
 */
@Injectable()
export class AccountEmailService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly tokens: EmailTokens,
    private readonly mail: MailOutbox,
    private readonly revocations: RevocationOutbox,
    private readonly limits: RequestThrottleService,
    private readonly loginThrottle: LoginThrottleService,
    private readonly forgotPassword: ForgotPassword,
    private readonly events: AuthEvents,
  ) {}

  /**
   * New and taken addresses get the same answer after the same work (one argon2 hash, one
   * transaction that writes one mail): the owner of a taken address is told by mail instead.
   */
  async register(email: string, password: string, ip: string): Promise<PublicUser> {
    const address = normalizeEmail(email);
    await this.limits.register(ip, address);
    const passwordHash = await this.hasher.hash(password);
    const token = newLinkToken();
    const now = this.clock.now();
    const { publicUrl } = this.config.email;
    const created = await this.dataSource.transaction(async (tx) => {
      const user = await this.users.insertIfNew(tx, address, passwordHash);
      if (user) {
        await this.sendVerification(tx, user.id, address, token, now);
        await this.events.record(tx, { type: 'user_registered', userId: user.id }, now);
      } else if (!this.config.email.registerRevealsTaken) {
        await this.mail.enqueue(tx, mailTemplates.signUpAttempt(publicUrl, address), now);
      }
      return user;
    });
    if (created) return { id: created.id, email: address, role: 'user', emailVerified: false };
    if (this.config.email.registerRevealsTaken) {
      throw new ApiError(409, 'email_taken', 'An account with this email already exists');
    }
    return { id: randomUUID(), email: address, role: 'user', emailVerified: false };
  }

  /** Completes a verification or an e-mail change; the user's older tokens become stale. */
  async verify(token: string): Promise<{ emailVerified: true }> {
    const now = this.clock.now();
    try {
      await this.dataSource.transaction(async (tx) => {
        const spent = await this.tokens.spend(tx, token, ['verify', 'change'], now);
        if (!spent) throw invalidEmailToken();
        // Wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with rows.
        const rows: { role: 'user' | 'admin' }[] = await tx.query(
          `WITH changed AS (
             UPDATE users SET email = $2, email_verified = true, updated_at = $3
             WHERE id = $1 AND disabled_at IS NULL AND ($4 OR email = $2) RETURNING role)
           SELECT role FROM changed`,
          [spent.userId, spent.email, now, spent.purpose === 'change'],
        );
        // A verification link for an address the account no longer has verifies nothing.
        if (!rows[0]) throw invalidEmailToken();
        const reason = spent.purpose === 'verify' ? 'email_verified' : 'email_changed';
        await this.revocations.userChanged(tx, spent.userId, rows[0].role, reason, now);
        const details = spent.purpose === 'change' ? { email: spent.email } : undefined;
        await this.events.record(tx, { type: reason, userId: spent.userId, details }, now);
      });
    } catch (error) {
      // The new address was taken by someone else after the link was sent.
      if ((error as { code?: string }).code === '23505') throw invalidEmailToken();
      throw error;
    }
    return { emailVerified: true };
  }

  /** A new verification link, unless the address is verified already (202 either way). */
  async resend(user: AuthUser, ip: string): Promise<void> {
    const found = await this.users.findById(user.userId);
    if (!found) return;
    await this.limits.email('resend', found.email, ip);
    if (found.emailVerified) return;
    const now = this.clock.now();
    await this.dataSource.transaction((tx) =>
      this.sendVerification(tx, found.id, found.email, newLinkToken(), now),
    );
  }

  forgot(email: string, ip: string): Promise<void> {
    return this.forgotPassword.request(email, ip);
  }

  /**
   * Sets the password, verifies the address the link was sent to, bumps the credential
   * version and ends every session of the user (pushed to every service), atomically.
   */
  async reset(token: string, newPassword: string): Promise<void> {
    const passwordHash = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      const spent = await this.tokens.spend(tx, token, ['reset'], now);
      if (!spent) throw invalidEmailToken();
      const current = await this.users.findById(spent.userId, tx);
      if (!current || current.email !== spent.email) throw invalidEmailToken();
      await this.users.setPasswordHash(tx, spent.userId, passwordHash, now);
      await tx.query('UPDATE users SET email_verified = true WHERE id = $1', [spent.userId]);
      await this.sessions.revokeAllOfUser(tx, spent.userId, 'password_reset', now);
      await this.events.record(tx, { type: 'password_reset', userId: spent.userId }, now);
    });
  }

  /**
   * Sends a confirmation link to the new address and a notice to the old one. The password
   * is checked (and counted, like a password change) first. A new address that belongs to
   * another account gets no link, and the caller is not told.
   */
  async changeEmail(user: AuthUser, newEmail: string, password: string, ip: string) {
    const address = normalizeEmail(newEmail);
    await this.limits.email('change', address, ip);
    const key = `email-change:${user.userId}`;
    await this.loginThrottle.attempt(key, ip);
    const hash = await this.users.passwordHashOf(user.userId);
    if (!(await this.hasher.verify(hash, password))) {
      throw new ApiError(401, 'invalid_credentials', 'Email or password is incorrect');
    }
    await this.loginThrottle.succeeded(key, ip);
    const current = await this.users.findById(user.userId);
    if (!current || current.email === address) return;
    const now = this.clock.now();
    const { publicUrl, emailTokenTtl } = this.config.email;
    await this.dataSource.transaction(async (tx) => {
      const taken: unknown[] = await tx.query('SELECT 1 FROM users WHERE lower(email) = $1', [
        address,
      ]);
      if (taken.length === 0) {
        const token = newLinkToken();
        const link = { userId: current.id, purpose: 'change' as const, email: address };
        await this.tokens.issue(tx, token, link, now, emailTokenTtl);
        const hours = Math.round(emailTokenTtl / 3600);
        await this.mail.enqueue(
          tx,
          mailTemplates.changeConfirm(publicUrl, address, token, hours),
          now,
        );
      }
      await this.mail.enqueue(tx, mailTemplates.changeNotice(current.email, address), now);
    });
  }

  private async sendVerification(
    tx: EntityManager,
    userId: string,
    email: string,
    token: string,
    now: Date,
  ): Promise<void> {
    const { publicUrl, emailTokenTtl } = this.config.email;
    await this.tokens.issue(tx, token, { userId, purpose: 'verify', email }, now, emailTokenTtl);
    const hours = Math.round(emailTokenTtl / 3600);
    await this.mail.enqueue(tx, mailTemplates.verify(publicUrl, email, token, hours), now);
  }
}
