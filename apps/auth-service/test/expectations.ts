import type { Response } from 'supertest';
import type { AuthTestApp } from './harness';
import { PASSWORD } from './harness';

/** An error answer: the status, the stable code, and the `{ code, message }` envelope. */
export function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(0);
}

export interface SetCookie {
  value: string;
  /** Attributes as written, e.g. `Path=/auth`, `HttpOnly`, `Max-Age=900`. */
  attributes: string[];
}

/** The cookies a response sets, by name. */
export function setCookies(res: Response): Map<string, SetCookie> {
  const raw = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return new Map(
    list.map((line) => {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), { value: pair.slice(eq + 1), attributes }];
    }),
  );
}

/** A Cookie request header replaying the cookies a response set (all, or the named ones). */
export function cookieHeader(res: Response, ...names: string[]): string {
  return [...setCookies(res)]
    .filter(([name]) => names.length === 0 || names.includes(name))
    .map(([name, cookie]) => `${name}=${cookie.value}`)
    .join('; ');
}

/** The decoded header and payload of a JWT (no verification: for asserting what was issued). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as object);
  return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
}

/** Logs in (another session for the same user); the raw response. */
export function login(
  t: AuthTestApp,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
) {
  return t.http().post('/auth/login').set(headers).send({ email, password });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
