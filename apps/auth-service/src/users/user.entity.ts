/*
 * Data access in auth-service, one rule:
 * - The entities (User, Session) mirror the tables column for column (a test compares them
 *   with the migrated schema) and type every row the service reads.
 * - A read of one table by key or filter goes through TypeORM (`find`, `findOneBy`, with
 *   `select` or the query builder where a `select: false` column is wanted).
 * - Raw parametrised SQL where a statement must be atomic: conditional inserts and updates
 *   (`ON CONFLICT`, `WHERE credential_version = ...`, `... RETURNING`), row locks (`FOR SHARE`,
 *   `FOR UPDATE SKIP LOCKED`), CTEs that read and write in one step, advisory locks and
 *   `pg_notify` in the writing transaction; and where one answer needs two tables at the same
 *   instant (a join). The repository would split such a statement into a read and a write,
 *   which is the race each of them closes. Their `RETURNING` lists are USER_COLUMNS and
 *   SESSION_COLUMNS, so a raw row has the entity's shape, not a subset with aliases of its own.
 * Outbox tables (revocation and mail) have no entity: only atomic SQL touches them.
 */
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@hybrid-auth/auth-guard';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored NFC-normalised and lower-cased; a unique index on lower(email) makes it case-insensitive. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  /**
   * Bumped with every password change and every disable, in the same transaction. A login
   * starts its session only if the version it read with the hash is still current, and
   * a session whose version is not the user's cannot be refreshed.
   */
  @Column({ name: 'credential_version', type: 'integer' })
  credentialVersion!: number;

  @Column({ name: 'email_verified', type: 'boolean' })
  emailVerified!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Every column but the password hash, under the entity's names: for raw `RETURNING`/`SELECT`. */
export const USER_COLUMNS = `id, email, role, disabled_at AS "disabledAt",
  credential_version AS "credentialVersion", email_verified AS "emailVerified",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface PublicUser {
  id: string;
  email: string;
  role: Role;
  emailVerified: boolean;
}

export const toPublicUser = (user: User): PublicUser => ({
  id: user.id,
  email: user.email,
  role: user.role,
  emailVerified: user.emailVerified,
});
