import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { PASSWORD, call, uniqueEmail } from './support/client';
import { ServiceProcess, freePort } from './support/service-process';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('graceful shutdown', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('shutdown');
  });
  afterAll(() => db.drop());

  it('finishes the requests in flight on SIGTERM, then exits 0 within its grace period', async () => {
    const auth = new ServiceProcess('auth-service', await freePort(), {
      DATABASE_URL: db.url,
      REDIS_URL: MACHINE_REDIS,
      AUTH_REVOCATION_STREAM: `test:shutdown:${Date.now()}`,
      HTTP_SHUTDOWN_GRACE_MS: '10000',
    });
    await auth.start();
    // Registrations hash with argon2id: each takes long enough to still be running at SIGTERM.
    const inFlight = Array.from({ length: 12 }, () =>
      call(`${auth.url}/auth/register`, {
        body: { email: uniqueEmail('drain'), password: PASSWORD },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    const exit = auth.stop('SIGTERM');
    const answers = await Promise.all(inFlight);
    const code = await exit;
    const elapsed = Date.now() - started;
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(code).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
    process.stdout.write(`SIGTERM to exit with 12 registrations in flight: ${elapsed} ms\n`);
    // Nothing was lost: every user exists after the restart.
    await auth.start();
    for (const answer of answers) {
      const res = await call(`${auth.url}/auth/login`, {
        body: { email: answer.body.email, password: PASSWORD },
      });
      expect(res.status).toBe(200);
    }
    await auth.stop();
  });
});
