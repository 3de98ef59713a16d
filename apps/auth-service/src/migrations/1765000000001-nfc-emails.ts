import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Addresses are now compared in Unicode NFC: stored addresses in another form are rewritten,
 * or their owners could no longer sign in. An address whose NFC spelling another account
 * already holds is left as it is: two accounts are never merged silently, an operator decides.
 */
export class NfcEmails1765000000001 implements MigrationInterface {
  name = 'NfcEmails1765000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE users u SET email = normalize(u.email, NFC)
      WHERE u.email IS NOT NFC NORMALIZED
        AND NOT EXISTS (
          SELECT 1 FROM users o WHERE o.id <> u.id AND lower(o.email) = lower(normalize(u.email, NFC)))`);
  }

  async down(): Promise<void> {
    // The original spellings are not kept; NFC addresses work with the old code as well.
  }
}
