import { MailRelay } from '../src/mail/mail-relay';
import { PASSWORD, bearer, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { MailCatcher, linkToken } from './support/mail-catcher';
import type { CaughtMail } from './support/mail-catcher';

export const PUBLIC_URL = 'http://account.test:8080';

export interface EmailTestApp extends AuthTestApp {
  mail: MailCatcher;
  /** Sends every mail due now (the relay also does on its own, within milliseconds). */
  flushMail(): Promise<void>;
}

/** auth-service wired to a real mail catcher of its own. */
export async function startEmailApp(
  env: Record<string, string> = {},
  options: Parameters<typeof startAuthApp>[1] = {},
): Promise<EmailTestApp> {
  const mail = await MailCatcher.start();
  try {
    const t = await startAuthApp(
      {
        SMTP_URL: mail.smtpUrl,
        MAIL_FROM: 'Hybrid Auth <no-reply@hybrid-auth.test>',
        AUTH_PUBLIC_URL: PUBLIC_URL,
        ...env,
      },
      options,
    );
    return {
      ...t,
      mail,
      flushMail: () => t.app.get(MailRelay).flush(),
      async close(options) {
        await t.close(options);
        await mail.close();
      },
    };
  } catch (error) {
    await mail.close();
    throw error;
  }
}

/** Registers an address and returns the token of its verification mail. */
export async function registerWithMail(t: EmailTestApp, email = uniqueEmail()) {
  const res = await t.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
  const [mail] = await t.mail.waitFor(email);
  return { id: res.body.id as string, email, mail, token: linkToken(mail, '/verify-email') };
}

export async function loginAs(t: AuthTestApp, email: string, password = PASSWORD) {
  const res = await t.http().post('/auth/login').send({ email, password }).expect(200);
  return res.body as { accessToken: string; refreshToken: string; sessionId: string };
}

export const verify = (t: AuthTestApp, token: string) =>
  t.http().post('/auth/email/verify').send({ token });

export const withToken = (accessToken: string) => bearer(accessToken);

export type { CaughtMail };
export { linkToken };
