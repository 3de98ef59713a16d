import { ConfigError } from '@hybrid-auth/platform';
import { loadAuthConfig } from './auth.config';

const BASE = { DATABASE_URL: 'postgres://auth@db.internal:5432/auth' };

describe('e-mail configuration', () => {
  it('defaults to a local mail catcher, links to the gateway, 24 h and 1 h links', () => {
    expect(loadAuthConfig(BASE).email).toEqual({
      smtpUrl: 'smtp://127.0.0.1:1025',
      mailFrom: 'hybrid-auth <no-reply@localhost>',
      publicUrl: 'http://localhost:8080',
      emailTokenTtl: 86_400,
      resetTokenTtl: 3600,
      registerRevealsTaken: false,
      throttle: { perAddress: 3, perIp: 30, windowSeconds: 3600 },
      retryBaseSeconds: 5,
      retryMaxSeconds: 3600,
      giveUpSeconds: 259_200,
    });
  });

  it('reads every variable and drops a trailing slash of AUTH_PUBLIC_URL', () => {
    const { email } = loadAuthConfig({
      ...BASE,
      SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
      MAIL_FROM: 'Shop <accounts@shop.example>',
      AUTH_PUBLIC_URL: 'https://shop.example/',
      AUTH_EMAIL_TOKEN_TTL: '7200',
      AUTH_RESET_TOKEN_TTL: '900',
      AUTH_REGISTER_REVEALS_TAKEN: 'true',
    });
    expect(email).toMatchObject({
      smtpUrl: 'smtps://user:pass@smtp.example.com:465',
      mailFrom: 'Shop <accounts@shop.example>',
      publicUrl: 'https://shop.example',
      emailTokenTtl: 7200,
      resetTokenTtl: 900,
      registerRevealsTaken: true,
    });
  });

  it.each([
    ['SMTP_URL', 'http://smtp.example.com'],
    ['MAIL_FROM', 'not an address'],
    ['AUTH_PUBLIC_URL', 'ftp://shop.example'],
    ['AUTH_RESET_TOKEN_TTL', '5'],
    ['AUTH_MAIL_GIVE_UP_AFTER', '60'],
  ])('refuses a wrong %s, naming it', (name, value) => {
    let problems: readonly string[] = [];
    try {
      loadAuthConfig({ ...BASE, [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems.join('\n')).toContain(name);
  });
});
