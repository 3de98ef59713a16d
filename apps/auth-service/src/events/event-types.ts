/** Every kind of security event; each is written by a flow of this service. */
export const EVENT_TYPES = [
  'user_registered',
  'login_succeeded',
  'login_failed',
  'logout',
  'session_revoked',
  'refresh_token_reused',
  'password_changed',
  'password_reset',
  'email_verified',
  'email_changed',
  'role_changed',
  'user_disabled',
  'user_enabled',
  'mfa_enrolled',
  'mfa_disabled',
  'mfa_recovery_code_used',
  'mfa_verified',
  'passkey_added',
  'passkey_removed',
  'client_token_issued',
] as const;

export type AuthEventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is AuthEventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** An event as the API shows it. */
export interface AuthEventView {
  id: string;
  type: AuthEventType;
  at: Date;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}
