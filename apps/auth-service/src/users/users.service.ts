import { Injectable } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import type { Role } from '@hybrid-auth/auth-guard';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import { USER_COLUMNS, User } from './user.entity';

const UNIQUE_VIOLATION = '23505';

/**
 * One spelling per address: "é" typed as one code point (NFC) or as "e" plus a combining
 * accent (NFD, as some keyboards and systems send it) must be the same account, not two
 * accounts that look alike. Normalised last, so the result is always NFC.
 */
export const normalizeEmail = (email: string) => email.trim().toLowerCase().normalize('NFC');

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * The password is hashed before anything else, so a taken email answers (409) after the
   * same work as a new one: timing does not tell which emails exist beyond what 409 says.
   */
  async register(email: string, password: string, role: Role = 'user'): Promise<User> {
    const passwordHash = await this.hasher.hash(password);
    try {
      const rows: User[] = await this.dataSource.query(
        `INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3)
         RETURNING ${USER_COLUMNS}`,
        [normalizeEmail(email), passwordHash, role],
      );
      return rows[0];
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ApiError(409, 'email_taken', 'An account with this email already exists');
      }
      throw error;
    }
  }

  /**
   * Inserts a new user unless the address is taken; undefined then. No error is raised, so
   * the caller's transaction carries on (and sends the owner a mail instead).
   */
  async insertIfNew(
    tx: Pick<EntityManager, 'query'>,
    email: string,
    passwordHash: string,
  ): Promise<User | undefined> {
    const rows: User[] = await tx.query(
      `INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'user') ON CONFLICT DO NOTHING
       RETURNING ${USER_COLUMNS}`,
      [email, passwordHash],
    );
    return rows[0];
  }

  /** The user and password hash for a login attempt, or undefined for an unknown email. */
  async findCredentials(email: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = :email', { email: normalizeEmail(email) })
      .getOne();
    return user ? { user, passwordHash: user.passwordHash } : undefined;
  }

  async findById(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<User | null> {
    return manager.getRepository(User).findOneBy({ id });
  }

  async passwordHashOf(id: string): Promise<string | undefined> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    return user?.passwordHash;
  }

  /** Stores a new hash and bumps the credential version; returns the new version. */
  async setPasswordHash(
    manager: EntityManager,
    id: string,
    passwordHash: string,
    now: Date,
  ): Promise<number> {
    const rows: { credential_version: number }[] = await manager.query(
      `WITH changed AS (
         UPDATE users SET password_hash = $2, updated_at = $3, credential_version = credential_version + 1
         WHERE id = $1 RETURNING credential_version)
       SELECT credential_version FROM changed`,
      [id, passwordHash, now],
    );
    return rows[0].credential_version;
  }
}
