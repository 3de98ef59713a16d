import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashRecoveryCode } from './recovery-codes';

/** Recovery codes by hash: a fresh set replaces the old one; each is spent once, atomically. */
@Injectable()
export class RecoveryCodeStore {
  async replace(tx: EntityManager, userId: string, codes: string[], now: Date): Promise<void> {
    await tx.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    await tx.query(
      `INSERT INTO mfa_recovery_codes (code_hash, user_id, created_at)
       SELECT h, $2, $3 FROM unnest($1::bytea[]) AS h`,
      [codes.map((code) => hashRecoveryCode(userId, code)!), userId, now],
    );
  }

  /** True if `typed` was one of the user's unused codes; it is used from now on. */
  async spend(tx: EntityManager, userId: string, typed: string, now: Date): Promise<boolean> {
    const hash = hashRecoveryCode(userId, typed);
    if (!hash) return false;
    const rows: unknown[] = await tx.query(
      `WITH spent AS (
         UPDATE mfa_recovery_codes SET used_at = $3
         WHERE code_hash = $1 AND user_id = $2 AND used_at IS NULL RETURNING 1)
       SELECT * FROM spent`,
      [hash, userId, now],
    );
    return rows.length === 1;
  }
}
