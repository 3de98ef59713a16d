/**
 * SQL for "this user has a second factor" (a confirmed TOTP), given the SQL naming the user's
 * id. One definition, used wherever a token is issued or checked, so `mfa_enrolled` means the
 * same everywhere. Passkeys are a way to sign in at aal2 on their own, not a second factor
 * after a password (docs/mfa.md).
 */
export const enrolledSql = (userId: string) =>
  `EXISTS (SELECT 1 FROM mfa_totp t WHERE t.user_id = ${userId} AND t.confirmed_at IS NOT NULL)`;
