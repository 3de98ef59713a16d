import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createFastifyAdapter } from '@hybrid-auth/platform';
import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { CLOCK } from '../src/clock';
import type { Clock } from '../src/clock';
import { loadAuthConfig } from '../src/config/auth.config';
import { SERVICE } from '../src/service';
import type { AuthConfig } from '../src/config/auth.config';

/** A clock tests move by hand: no sleeping for grace windows or expiries. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface AuthTestApp {
  app: NestFastifyApplication;
  config: AuthConfig;
  clock: TestClock;
  db: TestDatabase;
  dataSource: DataSource;
  /** The address the app sees for requests without their own X-Forwarded-For. */
  clientIp: string;
  http: () => ReturnType<typeof request>;
  /** Closes the app; drops the database unless `keepDatabase`. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The AUTH_SECRETS_KEY every test app gets unless it says otherwise (`AUTH_SECRETS_KEY: ''`
 * runs without one): the default setup (`npm start`) encrypts its stored secrets, and a
 * restart on the same database must present the same key.
 */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 'hybrid-auth test secrets key').toString(
  'base64url',
);

// Every e2e suite imports this file. Tests boot apps (some twice, for restarts) against the
// shared PostgreSQL and Redis on two cores next to other suites: 5 s is too tight under load.
jest.setTimeout(30_000);

/** A random address from 198.18.0.0/15 (reserved for testing): one per app unless given. */
export const randomIp = () => {
  const [a, b, c] = randomBytes(3);
  return `198.${18 + (a & 1)}.${b}.${c}`;
};

/**
 * Boots the real AppModule on Fastify against a fresh PostgreSQL database (or `db`, to
 * restart on the same data) and the machine's Redis, with the same pipeline as main.ts.
 */
export async function startAuthApp(
  env: Record<string, string> = {},
  options: { db?: TestDatabase; clock?: TestClock; clientIp?: string } = {},
): Promise<AuthTestApp> {
  const db = options.db ?? (await createTestDatabase('auth'));
  const clock = options.clock ?? new TestClock();
  const clientIp = options.clientIp ?? randomIp();
  let config: AuthConfig;
  let app: NestFastifyApplication;
  try {
    config = loadAuthConfig({
      DATABASE_URL: db.url,
      REDIS_URL,
      AUTH_ISSUER: 'http://auth.test',
      // Each suite its own Redis keys, so suites running in parallel never see each other.
      AUTH_REVOCATION_STREAM: `test:${randomBytes(4).toString('hex')}:revocations`,
      // supertest connects from loopback, which is trusted as a proxy: see boot().
      HTTP_TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'error',
      AUTH_SECRETS_KEY: TEST_SECRETS_KEY,
      // Suites sign up dozens of users and rotate one session hundreds of times from the app's
      // one address; the limits on those are tested on their own (request-throttle.e2e-spec).
      AUTH_REGISTER_MAX_PER_IP: '100000',
      AUTH_REFRESH_MAX_PER_SESSION: '100000',
      AUTH_REFRESH_MAX_PER_IP: '100000',
      ...env,
    });
    app = await boot(config, clock, clientIp);
  } catch (error) {
    // A failed start leaves no database behind.
    if (!options.db) await db.drop();
    throw error;
  }
  return {
    app,
    config,
    clock,
    db,
    dataSource: app.get(DataSource),
    clientIp,
    http: () => request(app.getHttpServer()),
    async close({ keepDatabase = false } = {}) {
      await app.close();
      if (!keepDatabase) await db.drop();
    },
  };
}

async function boot(
  config: AuthConfig,
  clock: TestClock,
  clientIp: string,
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(config.http),
    { logger: ['error'] },
  );
  configureApp(app, config.http, { ...SERVICE, description: 'test', version: 'test' });
  // Failed-login counters are per client IP in the shared Redis: every app gets its own
  // address (as if behind a proxy), so suites, reruns and other teams never share a counter.
  // A test that sets X-Forwarded-For itself keeps it.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      request.raw.headers['x-forwarded-for'] ??= clientIp;
      done();
    });
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  } catch (error) {
    // A failed start must not leave connections open: Jest would never exit.
    await app.close().catch(() => undefined);
    throw error;
  }
}

let counter = 0;
/** A unique, valid email for one test. */
export const uniqueEmail = (tag = 'user') => `${tag}.${Date.now()}.${counter++}@example.com`;

export const PASSWORD = 'correct horse battery';

/** Registers and logs in; returns the token response. */
export async function signUpAndLogin(t: AuthTestApp, email = uniqueEmail(), password = PASSWORD) {
  await t.http().post('/auth/register').send({ email, password }).expect(201);
  const res = await t.http().post('/auth/login').send({ email, password }).expect(200);
  return res.body as {
    accessToken: string;
    refreshToken: string;
    sessionId: string;
    expiresIn: number;
    refreshExpiresIn: number;
    user: { id: string; email: string; role: string };
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
