import { createHash } from 'node:crypto';

/** The requests that send mail, throttled per address and per client IP. */
export type EmailAction = 'register' | 'forgot' | 'resend' | 'change';

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * Every Redis key of the rate limits, built here (RateLimiter puts AUTH_REDIS_PREFIX before
 * each in Redis). Accounts are hashed: no addresses in Redis.
 * Session ids are random UUIDs already and client addresses are what the limit is about.
 */
export const throttleKeys = {
  loginAccount: (account: string) => `auth:login-failures:account:${digest(account)}`,
  loginIp: (ip: string) => `auth:login-failures:ip:${ip}`,
  session: (action: 'refresh' | 'logout', sessionId: string) =>
    `auth:${action}:session:${sessionId}`,
  ip: (action: 'refresh' | 'logout' | 'register' | EmailAction, ip: string) =>
    `auth:${action}:ip:${ip}`,
  passkeyLogin: (ip: string) => `auth:passkey-login:ip:${ip}`,
  address: (action: EmailAction, address: string) => `auth:${action}:address:${digest(address)}`,
};
