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
