/**
 * Every kind of security event. The recorded ones are written by the flows of this service;
 * the others are reserved for flows still being built (service clients), which call
 * AuthEvents.record with them.
 */
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

/** Reserved: no flow writes them yet. */
export const NOT_YET_RECORDED: readonly AuthEventType[] = [
  'mfa_enrolled',
  'mfa_disabled',
  'mfa_recovery_code_used',
  'mfa_verified',
  'passkey_added',
  'passkey_removed',
  'client_token_issued',
];

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
