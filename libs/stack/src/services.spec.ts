import { loopbackUrls, processEnv, withDatabase } from './environment';
import {
  AUTH,
  BILLING,
  GATEWAY,
  MAIL_CATCHER,
  ORDERS,
  STACK_PROCESSES,
  runProcesses,
  service,
} from './services';

const urls = loopbackUrls({
  mail: 4025,
  auth: 4000,
  catalog: 4001,
  orders: 4002,
  billing: 4003,
  web: 4080,
});

describe('the stack list', () => {
  it('gives every process its own port, name and health URL', () => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(unique(STACK_PROCESSES.map((p) => p.port))).toBe(true);
    expect(unique(STACK_PROCESSES.map((p) => p.name))).toBe(true);
    expect(STACK_PROCESSES.every((p) => p.health.startsWith('/'))).toBe(true);
  });

  it('wires a service to the others it calls, on the run’s ports', () => {
    expect(processEnv(ORDERS, { urls })).toEqual({
      AUTH_JWKS_URL: 'http://127.0.0.1:4000/.well-known/jwks.json',
      CATALOG_URL: 'http://127.0.0.1:4001',
      PORT: '4002',
    });
    expect(processEnv(BILLING, { urls }).ORDERS_URL).toBe('http://127.0.0.1:4002');
  });

  it('lets the caller’s values win over the wiring, but not over the port or the database', () => {
    const env = processEnv(ORDERS, {
      urls,
      common: { LOG_FORMAT: 'pretty', CATALOG_URL: 'ignored' },
      overrides: {
        CATALOG_URL: 'http://catalog.example',
        PORT: '1',
        DATABASE_URL: 'postgres://x/y',
      },
      databaseUrl: withDatabase('postgres://u:p@db:5432/postgres', 'hybrid_orders'),
    });
    expect(env).toMatchObject({
      LOG_FORMAT: 'pretty',
      CATALOG_URL: 'http://catalog.example',
      PORT: '4002',
      DATABASE_URL: 'postgres://u:p@db:5432/hybrid_orders',
    });
  });

  it('gives auth-service’s secrets to auth-service alone', () => {
    const common = { AUTH_SECRETS_KEY: 'k'.repeat(43) };
    const seen = STACK_PROCESSES.filter((p) => processEnv(p, { urls, common }).AUTH_SECRETS_KEY);
    expect(seen.map((p) => p.name)).toEqual(['auth']);
  });

  it('points the gateway at every service with a route', () => {
    expect(processEnv(GATEWAY, { urls })).toEqual({
      AUTH_UPSTREAM: '127.0.0.1:4000',
      CATALOG_UPSTREAM: '127.0.0.1:4001',
      ORDERS_UPSTREAM: '127.0.0.1:4002',
      BILLING_UPSTREAM: '127.0.0.1:4003',
      GATEWAY_PORT: '4080',
    });
  });

  it('refuses a name it does not know', () => {
    expect(() => service('smtp')).toThrow('no process named smtp');
  });

  it('runs the mail catcher first, and only without SMTP_URL', () => {
    expect(runProcesses({})[0]).toBe(MAIL_CATCHER);
    expect(runProcesses({ SMTP_URL: 'smtps://u:p@smtp.example:465' })).toEqual(
      STACK_PROCESSES.filter((p) => p !== MAIL_CATCHER),
    );
  });

  it('points auth-service at the run’s mail catcher and its links at the account page', () => {
    const withMail = { ...urls, smtp: 'smtp://127.0.0.1:4026' };
    expect(processEnv(AUTH, { urls: withMail })).toMatchObject({
      SMTP_URL: 'smtp://127.0.0.1:4026',
      AUTH_PUBLIC_URL: 'http://localhost:4080',
    });
    expect(processEnv(AUTH, { urls }).SMTP_URL).toBeUndefined();
    const own = { SMTP_URL: 'smtps://u:p@smtp.example:465' };
    expect(processEnv(AUTH, { urls: withMail, overrides: own }).SMTP_URL).toBe(own.SMTP_URL);
    expect(MAIL_CATCHER.args!(withMail)).toEqual([
      ...['--smtp', '4026', '--ip', '127.0.0.1', '--web', '4025', '--web-ip', '127.0.0.1'],
    ]);
  });
});
