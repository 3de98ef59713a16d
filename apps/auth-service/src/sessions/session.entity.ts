import type { Aal, AuthMethod } from '@hybrid-auth/auth-guard';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RevokeReason =
  | 'logout'
  | 'logout_all'
  | 'deleted'
  | 'reuse_detected'
  | 'password_changed'
  | 'password_reset'
  | 'user_disabled'
  | 'admin_revoked';

/**
 * One refresh session (one device). Holds only a hash of its current refresh token.
 * How auth-service reads and writes it (entities vs raw SQL): see user.entity.ts.
 */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash!: Buffer;

  /** How many times the refresh token was rotated; part of every refresh token. */
  @Column({ type: 'integer' })
  generation!: number;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoke_reason', type: 'text', nullable: true })
  revokeReason!: RevokeReason | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  /** The user's credential version when the session began (see User.credentialVersion). */
  @Column({ name: 'credential_version', type: 'integer' })
  credentialVersion!: number;

  /** How strongly the session signed in (`aal1` password, `aal2` a second factor or a passkey). */
  @Column({ type: 'text' })
  aal!: Aal;

  /** The methods used (`pwd`, `otp`, `recovery`, `webauthn`), carried in tokens as `amr`. */
  @Column({ type: 'text', array: true })
  amr!: AuthMethod[];

  /** When the user last proved who they are in this session (`auth_time`). */
  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime!: Date;
}

/** Every column but the token hash, under the entity's names: for raw `RETURNING`/`SELECT`. */
export const SESSION_COLUMNS = `id, user_id AS "userId", generation, rotated_at AS "rotatedAt",
  created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", revoke_reason AS "revokeReason", user_agent AS "userAgent", ip,
  credential_version AS "credentialVersion", aal, amr, auth_time AS "authTime"`;
