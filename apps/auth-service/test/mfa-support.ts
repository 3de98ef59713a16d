import type { AuthTestApp } from './harness';
import { bearer, signUpAndLogin } from './harness';
import { decodeJwt } from './expectations';
import { codeAt } from '../src/mfa/totp';

/** The access token's claims (unverified: for asserting what was issued). */
export const claimsOf = (token: string) => decodeJwt(token).payload as Record<string, unknown>;

/** A new user who enrolled TOTP: their secret, recovery codes and an aal2 token pair. */
export async function enrolledUser(t: AuthTestApp) {
  const login = await signUpAndLogin(t);
  const enrolled = await t
    .http()
    .post('/auth/mfa/totp/enroll')
    .set(bearer(login.accessToken))
    .expect(200);
  const secret = enrolled.body.secret as string;
  const confirmed = await t
    .http()
    .post('/auth/mfa/totp/confirm')
    .set(bearer(login.accessToken))
    .send({ code: codeAt(secret, t.clock.now().getTime()) })
    .expect(200);
  return { login, secret, confirmed: confirmed.body };
}

/** The code an authenticator shows now on the app's clock. */
export const codeNow = (t: AuthTestApp, secret: string) => codeAt(secret, t.clock.now().getTime());
