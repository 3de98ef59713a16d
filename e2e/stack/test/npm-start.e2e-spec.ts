import { dropDatabase, withDatabase } from '@hybrid-auth/database';
import { TEST_SERVER_URL } from '@hybrid-auth/database/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { call, signUp, uniqueEmail } from './support/client';
import { Mailbox, linkIn } from './support/mail';
import { NpmStart } from './support/npm-start';
import { listening, stillRunning } from './support/processes';
import type { ProcessInfo } from './support/processes';
import { ROOT, eventually } from './support/service-process';

/**
 * `npm start` as the README promises it, on the fixed ports 3000-3003: both runs are in this
 * one file, one after the other, and nothing else may listen on those ports meanwhile.
 */
const PORTS = [3000, 3001, 3002, 3003];
/** The mail catcher's web UI / REST API and SMTP ports, when no SMTP_URL is given. */
const MAIL_PORTS = [1080, 1025];
const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASES = ['hybrid_auth', 'hybrid_catalog', 'hybrid_orders'];
const dropStartDatabases = () =>
  Promise.all(DATABASES.map((name) => dropDatabase(withDatabase(TEST_SERVER_URL, name))));

/** Without DATABASE_URL and REDIS_URL, whatever the environment of the test run holds. */
function environment(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  for (const name of ['SMTP_URL', 'MAIL_CATCHER_PORT', 'MAIL_CATCHER_SMTP_PORT']) delete env[name];
  // Other suites sign up from 127.0.0.1 into the same Redis counter meanwhile.
  return { ...env, AUTH_REGISTER_MAX_PER_IP: '100000', ...extra };
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
async function expectLoopbackOnly(output: string, mailPorts: number[]): Promise<void> {
  const gateway = Number(/account page\s+│ http:\/\/localhost:(\d+)/.exec(output)?.[1]);
  for (const port of [...PORTS, ...mailPorts, gateway]) {
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

/**
 * A supervisor one can trust: catalog-service's process is killed (kill -9), and it is started
 * again while auth-service answers throughout.
 */
async function expectCrashedServiceRestarted(run: NpmStart): Promise<void> {
  const catalog = () =>
    run.tree().find((p) => p.args.includes('apps/catalog-service/dist/main.js'));
  const killed = catalog()!;
  process.kill(killed.pid, 'SIGKILL');
  let authAnswers = 0;
  let authFailures = 0;
  await eventually(async () => {
    const auth = await call('http://127.0.0.1:3000/health/live').catch(() => undefined);
    if (auth?.status === 200) authAnswers += 1;
    else authFailures += 1;
    const back = await call('http://127.0.0.1:3001/health/ready').catch(() => undefined);
    return back?.status === 200 && catalog()?.pid !== killed.pid;
  }, 60_000);
  expect({ authAnswers: authAnswers > 0, authFailures }).toEqual({
    authAnswers: true,
    authFailures: 0,
  });
  expect(run.output).toMatch(/catalog stopped: starting it again in \d+ ms/);
  // And it serves as before (its database, its keys from auth-service).
  await useTheStack();
}

/**
 * Without SMTP_URL the run's mail catcher takes auth-service's mail: the banner prints its
 * web UI, and a sign-up's verification link, read through its REST API, points at the
 * account page. With SMTP_URL, no catcher runs.
 */
async function expectMailCaught(output: string, caught: boolean): Promise<void> {
  if (!caught) {
    expect(output).toMatch(/Mail: +SMTP_URL/);
    for (const port of MAIL_PORTS)
      expect({ port, up: await listening(port) }).toEqual({ port, up: false });
    return;
  }
  expect(output).toMatch(
    /Mail: +caught, not sent: read it at http:\/\/localhost:1080 \(SMTP 127\.0\.0\.1:1025\)/,
  );
  const page = /account page\s+│ (http:\/\/localhost:\d+)/.exec(output)![1];
  const email = uniqueEmail('npm-start');
  await signUp('http://127.0.0.1:3000', email);
  const inbox = new Mailbox('http://127.0.0.1:1080');
  const mail = await eventually(
    async () => (await inbox.messages()).find((m) => m.to[0]?.address === email),
    15_000,
  );
  const link = linkIn(mail, '/verify-email');
  expect(`${link.origin}${link.pathname}`).toBe(`${page}/verify-email`);
  const verified = await call('http://127.0.0.1:3000/auth/email/verify', {
    body: { token: link.hash.slice('#token='.length) },
  });
  expect({ status: verified.status, body: verified.body }).toEqual({
    status: 200,
    body: { emailVerified: true },
  });
}

/** Starts the script, waits for its table, uses the stack, interrupts it; returns what it started. */
async function runOnce(
  label: string,
  env: Record<string, string | undefined>,
  interrupt: 'group' | 'script',
  meanwhile: (run: NpmStart) => Promise<void> = async () => undefined,
): Promise<{ run: NpmStart; ports: number[]; started: ProcessInfo[] }> {
  for (const port of [...PORTS, ...MAIL_PORTS])
    expect({ port, busy: await listening(port) }).toEqual({ port, busy: false });
  const caught = !env.SMTP_URL;
  const began = Date.now();
  const run = new NpmStart(env);
  try {
    await run.waitFor(/hybrid-auth is running[\s\S]*Ctrl-C stops everything/, 150_000);
    process.stdout.write(`npm start (${label}): ready after ${Date.now() - began} ms\n`);
    const infra = [/embedded, 127\.0\.0\.1:(\d+)/, /local redis-server, 127\.0\.0\.1:(\d+)/].map(
      (re) => re.exec(run.output)?.[1],
    );
    const mailPorts = caught ? MAIL_PORTS : [];
    const ports = [
      ...PORTS,
      ...mailPorts,
      ...infra.filter((p): p is string => p !== undefined).map(Number),
    ];
    await useTheStack();
    await expectSnapshotFeedWired(run.output);
    await expectLoopbackOnly(run.output, mailPorts);
    await expectMailCaught(run.output, caught);
    await meanwhile(run);
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
  it('refuses to start with one line saying what to do when a port is taken, and no stack trace', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(3002, '127.0.0.1', resolve));
    try {
      const run = new NpmStart(environment({}));
      const code = await run.exited;
      expect({ code, lines: run.output.trim().split('\n') }).toEqual({
        code: 1,
        lines: [expect.stringMatching(/^npm start failed: port 3002 .*: stop what listens there/)],
      });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('names the mail catcher and the variables that move it when its port is taken', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(1080, '127.0.0.1', resolve));
    try {
      const run = new NpmStart(environment({}));
      expect({ code: await run.exited, output: run.output.trim() }).toEqual({
        code: 1,
        output: expect.stringMatching(
          /^npm start failed: port 1080 \(mail catcher, MAIL_CATCHER_PORT or SMTP_URL\) is already in use/,
        ),
      });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('runs the stack on the PostgreSQL and Redis it is given, restarts a killed service, and stops every process on an interrupt to the script alone', async () => {
    await dropStartDatabases();
    const stream = `test:${randomBytes(4).toString('hex')}:revocations`;
    const created = { postgres: false, key: !existsSync(SECRETS_KEY_FILE) };
    try {
      const env = environment({
        DATABASE_URL: withDatabase(TEST_SERVER_URL, 'postgres'),
        REDIS_URL: MACHINE_REDIS,
        AUTH_REVOCATION_STREAM: stream,
        // A mail server of one's own: no catcher (nothing listens here; mail waits in the outbox).
        SMTP_URL: 'smtp://127.0.0.1:9',
      });
      const outcome = await runOnce(
        'DATABASE_URL and REDIS_URL',
        env,
        'script',
        expectCrashedServiceRestarted,
      );
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

  it('starts an embedded PostgreSQL, a local redis-server and a mail catcher without them, and stops all on Ctrl-C (the whole process group, PostgreSQL included)', async () => {
    const dataDir = path.join(DATA_DIR, 'postgres');
    // A developer's own embedded database (and its key) is kept; one made by this test is removed.
    const created = { postgres: !existsSync(dataDir), key: !existsSync(SECRETS_KEY_FILE) };
    try {
      const outcome = await runOnce(
        'embedded PostgreSQL, local redis-server',
        environment({}),
        'group',
      );
      const [pgPort, redisPort] = outcome.ports.slice(PORTS.length + MAIL_PORTS.length);
      expect(pgPort).not.toBe(5432);
      expect(redisPort).not.toBe(6379);
      expect(outcome.started.some((p) => p.args.includes(dataDir))).toBe(true);
      await expectNothingLeft(outcome);
    } finally {
      removeIfCreated(created);
    }
  }, 240_000);
});
