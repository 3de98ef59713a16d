import { dropDatabase, withDatabase } from '@hybrid-auth/database';
import { TEST_SERVER_URL } from '@hybrid-auth/database/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { call, signUp } from './support/client';
import { NpmStart } from './support/npm-start';
import { listening, stillRunning } from './support/processes';
import type { ProcessInfo } from './support/processes';
import { ROOT, eventually } from './support/service-process';

/**
 * `npm start` as the README promises it, on the fixed ports 3000-3003: both runs are in this
 * one file, one after the other, and nothing else may listen on those ports meanwhile.
 */
const PORTS = [3000, 3001, 3002, 3003];
const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASES = ['hybrid_auth', 'hybrid_catalog', 'hybrid_orders'];
const dropStartDatabases = () =>
  Promise.all(DATABASES.map((name) => dropDatabase(withDatabase(TEST_SERVER_URL, name))));

/** Without DATABASE_URL and REDIS_URL, whatever the environment of the test run holds. */
function environment(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  // Other suites sign up from 127.0.0.1 into the same Redis counter meanwhile.
  return { ...env, SKIP_BUILD: 'true', AUTH_REGISTER_MAX_PER_IP: '100000', ...extra };
}

/** What a new user does first: sign up, call every service, order something. */
async function useTheStack(): Promise<void> {
  const s = await signUp('http://127.0.0.1:3000');
  for (const [port, prefix] of [
    [3001, 'catalog'],
    [3002, 'orders'],
    [3003, 'billing'],
  ] as const) {
    const res = await call(`http://127.0.0.1:${port}/${prefix}/me`, { token: s.accessToken });
    expect({ prefix, status: res.status, userId: res.body.userId }).toEqual({
      prefix,
      status: 200,
      userId: s.user.id,
    });
  }
  const products = await call<{ id: string }[]>('http://127.0.0.1:3001/catalog/products');
  const order = await call('http://127.0.0.1:3002/orders', {
    token: s.accessToken,
    body: { productId: products.body[0].id, quantity: 1 },
  });
  expect(order.status).toBe(201);
}

/**
 * The script makes a revocation-snapshot secret for the run: auth-service serves the route
 * (401 without the secret, not 404), and the gateway hides it.
 */
async function expectSnapshotFeedWired(output: string): Promise<void> {
  const direct = await call('http://127.0.0.1:3000/auth/internal/revocations');
  expect({ status: direct.status, code: direct.body.code }).toEqual({
    status: 401,
    code: 'missing_token',
  });
  const page = /account page\s+│ (http:\/\/localhost:\d+)/.exec(output)?.[1];
  expect(page).toBeDefined();
  const viaGateway = await call(`${page!}/auth/internal/revocations`);
  expect({ status: viaGateway.status, body: viaGateway.body }).toEqual({
    status: 404,
    body: { code: 'not_found', message: 'Not found' },
  });
}

const DATA_DIR = path.join(ROOT, '.data');
const SECRETS_KEY_FILE = path.join(DATA_DIR, 'auth-secrets-key');

/** What this test created under .data/ goes again; a developer's own files stay. */
function removeIfCreated(created: { postgres: boolean; key: boolean }): void {
  if (created.postgres) rmSync(path.join(DATA_DIR, 'postgres'), { recursive: true, force: true });
  if (created.key) rmSync(SECRETS_KEY_FILE, { force: true });
  if (existsSync(DATA_DIR) && readdirSync(DATA_DIR).length === 0) rmdirSync(DATA_DIR);
}

/** The values of auth-service's auth_secrets table, read straight from PostgreSQL. */
function storedSecrets(databaseUrl: string): string[] {
  const out = execFileSync('psql', [databaseUrl, '-Atc', 'SELECT value FROM auth_secrets'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((line) => line.length > 0);
}

/**
 * The services and the gateway listen on 127.0.0.1 alone: another address of the machine
 * (127.0.0.2 stands for one here) finds nothing, where a wildcard listener would answer.
 */
async function expectLoopbackOnly(output: string): Promise<void> {
  const gateway = Number(/account page\s+│ http:\/\/localhost:(\d+)/.exec(output)?.[1]);
  for (const port of [...PORTS, gateway]) {
    expect({
      port,
      loopback: await listening(port),
      other: await listening(port, '127.0.0.2'),
    }).toEqual({
      port,
      loopback: true,
      other: false,
    });
  }
}

/** Starts the script, waits for its table, uses the stack, interrupts it; returns what it started. */
async function runOnce(
  label: string,
  env: Record<string, string | undefined>,
  interrupt: 'group' | 'script',
): Promise<{ run: NpmStart; ports: number[]; started: ProcessInfo[] }> {
  for (const port of PORTS)
    expect({ port, busy: await listening(port) }).toEqual({ port, busy: false });
  const began = Date.now();
  const run = new NpmStart(env);
  try {
    await run.waitFor(/hybrid-auth is running[\s\S]*Ctrl-C stops everything/, 150_000);
    process.stdout.write(`npm start (${label}): ready after ${Date.now() - began} ms\n`);
    const infra = [/embedded, 127\.0\.0\.1:(\d+)/, /local redis-server, 127\.0\.0\.1:(\d+)/].map(
      (re) => re.exec(run.output)?.[1],
    );
    const ports = [...PORTS, ...infra.filter((p): p is string => p !== undefined).map(Number)];
    await useTheStack();
    await expectSnapshotFeedWired(run.output);
    await expectLoopbackOnly(run.output);
    const started = run.tree();
    run.interrupt(interrupt);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      run.exited,
      new Promise((resolve) => (timer = setTimeout(resolve, 30_000, 'still running'))),
    ]);
    clearTimeout(timer);
    expect({ code, stopped: /Stopped\./.test(run.output) }).toEqual({
      code: expect.any(Number),
      stopped: true,
    });
    return { run, ports, started };
  } catch (error) {
    run.kill();
    throw error;
  }
}

/** After the script exited: nothing it started still runs, and its ports are free. */
async function expectNothingLeft({
  run,
  ports,
  started,
}: Awaited<ReturnType<typeof runOnce>>): Promise<void> {
  await eventually(async () => {
    const busy = await Promise.all(ports.map((port) => listening(port)));
    return !busy.includes(true) && stillRunning(started).length === 0;
  }, 5000).catch(() => undefined);
  expect(stillRunning(started)).toEqual([]);
  for (const port of ports)
    expect({ port, busy: await listening(port) }).toEqual({ port, busy: false });
  run.kill();
}

describe('npm start', () => {
  it('runs the stack on the PostgreSQL and Redis it is given, and stops every process on Ctrl-C', async () => {
    await dropStartDatabases();
    const stream = `test:${randomBytes(4).toString('hex')}:revocations`;
    const created = { postgres: false, key: !existsSync(SECRETS_KEY_FILE) };
    try {
      const env = environment({
        DATABASE_URL: withDatabase(TEST_SERVER_URL, 'postgres'),
        REDIS_URL: MACHINE_REDIS,
        AUTH_REVOCATION_STREAM: stream,
      });
      const outcome = await runOnce('DATABASE_URL and REDIS_URL', env, 'group');
      expect(outcome.ports).toEqual(PORTS);
      await expectNothingLeft(outcome);
      // The generated keys are kept encrypted under the AUTH_SECRETS_KEY the script made.
      expect(existsSync(SECRETS_KEY_FILE)).toBe(true);
      const stored = storedSecrets(withDatabase(TEST_SERVER_URL, 'hybrid_auth'));
      expect(stored).toHaveLength(2);
      for (const value of stored) expect(value).toMatch(/^aes256gcm:v1:/);
    } finally {
      await dropStartDatabases();
      removeIfCreated(created);
    }
  }, 240_000);

  it('starts an embedded PostgreSQL and a local redis-server without them, and stops both on an interrupt to the script alone', async () => {
    const dataDir = path.join(DATA_DIR, 'postgres');
    // A developer's own embedded database (and its key) is kept; one made by this test is removed.
    const created = { postgres: !existsSync(dataDir), key: !existsSync(SECRETS_KEY_FILE) };
    try {
      const outcome = await runOnce(
        'embedded PostgreSQL, local redis-server',
        environment({}),
        'script',
      );
      const [pgPort, redisPort] = outcome.ports.slice(PORTS.length);
      expect(pgPort).not.toBe(5432);
      expect(redisPort).not.toBe(6379);
      expect(outcome.started.some((p) => p.args.includes(dataDir))).toBe(true);
      await expectNothingLeft(outcome);
    } finally {
      removeIfCreated(created);
    }
  }, 240_000);
});
